import Foundation
import Synchronization

/// The PostgreSQL server the tests use: STRONGROOM_TEST_POSTGRES_URL when set, otherwise a
/// throwaway cluster started once through scripts/postgres.sh and stopped when the test
/// process exits. Each test gets its own database, created and dropped with psql.
actor PostgresTestServer {
    static let shared = PostgresTestServer()

    private var baseURL: String?

    /// URL of the server's maintenance database (`…/postgres`).
    func url() throws -> String {
        if let baseURL { return baseURL }
        if let given = ProcessInfo.processInfo.environment["STRONGROOM_TEST_POSTGRES_URL"], !given.isEmpty {
            baseURL = given
            return given
        }
        let started = try Self.startCluster()
        baseURL = started
        return started
    }

    /// Creates an empty database and returns its URL.
    func createDatabase() throws -> (name: String, url: String) {
        let base = try url()
        let name = "strongroom_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try Self.psql(base, "CREATE DATABASE \(name)")
        return (name, try Self.url(base, database: name))
    }

    func dropDatabase(_ name: String) throws {
        try Self.psql(try url(), "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    static func url(_ base: String, database: String) throws -> String {
        guard var components = URLComponents(string: base) else { throw TestSetupError("STRONGROOM_TEST_POSTGRES_URL is not a URL") }
        components.path = "/" + database
        guard let text = components.string else { throw TestSetupError("cannot build a database URL") }
        return text
    }

    // MARK: - the throwaway cluster

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The cluster directory to stop at exit (set once when the cluster starts).
    private static let clusterDirectory = Mutex<String?>(nil)

    private static func startCluster() throws -> String {
        let script = repositoryRoot.appendingPathComponent("scripts/postgres.sh").path
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("strongroom-pg-\(UUID().uuidString)").path
        var lastFailure = ""
        for _ in 0..<5 {
            let port = Int.random(in: 20_000..<60_000)
            let result = try run("/bin/sh", [script, "start", directory, String(port)])
            if result.status == 0 {
                clusterDirectory.withLock { $0 = directory }
                atexit { PostgresTestServer.stopClusterAtExit() }
                return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            lastFailure = result.errors
        }
        throw TestSetupError("scripts/postgres.sh could not start a cluster: \(lastFailure)")
    }

    private static func stopClusterAtExit() {
        guard let directory = clusterDirectory.withLock({ $0 }) else { return }
        let script = repositoryRoot.appendingPathComponent("scripts/postgres.sh").path
        _ = try? run("/bin/sh", [script, "stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func psql(_ url: String, _ sql: String) throws {
        let result = try run("/usr/bin/env", ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql])
        guard result.status == 0 else { throw TestSetupError("psql failed: \(result.errors)") }
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
