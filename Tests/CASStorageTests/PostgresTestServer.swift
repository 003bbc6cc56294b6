import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

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

    /// Runs a command to completion with posix_spawn + waitpid, its output captured in temp files.
    /// (Foundation's Process hung here: its child was never reaped inside the test runner.)
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("strongroom-run-\(UUID().uuidString)").path
        let outPath = base + ".out"
        let errPath = base + ".err"
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else { throw TestSetupError("cannot start \(executable): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw TestSetupError("waitpid failed: \(String(cString: strerror(errno)))") }
        }
        // WIFEXITED / WEXITSTATUS (macros, not imported).
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return (exitStatus, output, errors)
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
