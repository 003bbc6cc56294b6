import Agent
import Support
import Attestation
import CASClient
import CASCore
import CASServer
import CASStorage
import Crypto
import Foundation
import Logging
import Policy
import Runtime
import Synchronization

/// A real CAS (SQLite in a temporary directory, keyring initialised and unsealed, the service
/// behind the HTTP layer on 127.0.0.1 with plain HTTP) and a real node agent on a temporary
/// socket that CAS trusts through the administrator's signed `POST /v1/nodes`.
struct CASFixture: Sendable {
    let baseURL: String
    let directory: String
    let agentSocket: String
    let owner: OwnerIdentity
    let admin: OwnerIdentity

    static let policyName = "runtime-test"

    /// SHA-384 of this test process's executable, as the agent measures it.
    static let selfMeasurement = measure("/proc/self/exe")

    static func measure(_ path: String) -> String {
        let data = FileManager.default.contents(atPath: path) ?? Data()
        return SHA384.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// The package root, from this file's path (Tests/RuntimeTests/Support/…).
    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }

    static var cliPath: String { packageRoot + "/.build/debug/strongroom" }

    static func with<T: Sendable>(_ body: @Sendable (CASFixture) async throws -> T) async throws -> T {
        // Short: Unix socket paths are limited to 107 bytes.
        let directory = "/tmp/srt-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var logger = Logger(label: "runtime-tests.cas")
        logger.logLevel = .critical
        let store = try SQLiteCASStore(path: directory + "/cas.sqlite")
        let masterKey = CASMasterKey.generate()
        let admin = OwnerIdentity(name: "admin")
        let owner = OwnerIdentity(name: "alice")
        _ = try await CASKeyring.initialize(store, masterKey: masterKey, administrator: admin.publicKey)
        let gate = CASGate(store: store, logger: logger)
        try await gate.unseal(masterKey: masterKey, method: "key-file")
        let application = CASApplication(
            configuration: .init(host: "127.0.0.1", port: 0, transport: .insecureHTTP),
            handlers: CASServiceHandlers(gate: gate), logger: logger)
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = try application.makeApplication(onListening: { port in portSink.yield(port) })

        let nodeKey = NodeKey()
        let agentSocket = directory + "/agent.sock"
        let agent = NodeAgent(socketPath: agentSocket, nodeKey: nodeKey, logger: logger)
        let listener = try agent.bind()
        let agentShutdown = ShutdownSignal()
        defer { agentShutdown.trigger() }

        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            group.addTask(executorPreference: ServiceThread.shared) { await agent.serve(listener, until: agentShutdown) }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            let fixture = CASFixture(
                baseURL: "http://127.0.0.1:\(port)", directory: directory, agentSocket: agentSocket, owner: owner, admin: admin)
            try await fixture.withClient { client in
                _ = try await client.registerNode(NodeRegistration(name: "test-node", publicKey: nodeKey.publicKey.text), as: admin)
            }
            return try await body(fixture)
        }
    }

    func client() throws -> CASClient { try CASClient(baseURL: baseURL, caFile: nil) }

    func withClient<T>(_ body: (CASClient) async throws -> T) async throws -> T {
        let client = try client()
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// The test policy: services pinning this test process (`self`), a measurement nobody has
    /// (`wrong`), and the strongroom CLI binary (`cli`, `reader`).
    func policyYAML(cliMeasurement: String) -> String {
        """
        name: \(Self.policyName)
        version: 1
        owners:
          - name: alice
            public_key: "\(owner.publicKey.text)"
        approvals_required: 1
        master_keys:
          - id: data
          - id: results
          - id: other
        services:
          - name: self
            attestation:
              - kind: simulated
                measurements: ["\(Self.selfMeasurement)"]
            allow_simulation: true
            environment: {GREETING: "hello", TOKEN: "{{secret:token}}"}
            files: {"conf/app.conf": "token={{secret:token}}\\n"}
            unwrap: [data]
            wrap: [data]
          - name: wrong
            attestation:
              - kind: simulated
                measurements: ["\(String(repeating: "ab", count: 48))"]
            allow_simulation: true
          - name: cli
            attestation:
              - kind: simulated
                measurements: ["\(cliMeasurement)"]
            allow_simulation: true
            environment: {VAR: "injected-value"}
            arguments: ["policy-arg"]
            files: {"conf/x": "file-from-policy"}
            unwrap: [data]
            wrap: [results]
            results: {master_key: results, recipients: [alice]}
          - name: reader
            attestation:
              - kind: simulated
                measurements: ["\(cliMeasurement)"]
            allow_simulation: true
            unwrap: [results]
        secrets:
          - {name: token, kind: random, size: 16}

        """
    }

    func applyPolicy(cliMeasurement: String = String(repeating: "cd", count: 48)) async throws {
        let version = try PolicyVersion(yaml: policyYAML(cliMeasurement: cliMeasurement))
        try await withClient { client in
            _ = try await client.applyPolicy(PolicySubmission(version: version, signedBy: [owner]))
        }
    }

    func attestation(service: String) -> RuntimeAttestation {
        RuntimeAttestation(policy: Self.policyName, service: service, evidenceSource: .agent(socketPath: agentSocket))
    }
}

/// Runs the built `strongroom` binary; returns its status, stdout and stderr.
struct CLIRun: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String

    static func strongroom(_ arguments: [String], environment: [String: String] = [:]) async throws -> CLIRun {
        try await Offload.run {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CASFixture.cliPath)
            process.arguments = arguments
            var env = ProcessInfo.processInfo.environment
            for (key, value) in environment { env[key] = value }
            process.environment = env
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            // Drain stderr on another thread while stdout is read, so no full pipe blocks the child.
            let errData = DataBox()
            let drained = DispatchSemaphore(value: 0)
            let errReader = Thread {
                let data = err.fileHandleForReading.readDataToEndOfFile()
                errData.data.withLock { $0 = data }
                drained.signal()
            }
            errReader.start()
            let outData = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            drained.wait()
            return CLIRun(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                          stderr: String(decoding: errData.data.withLock { $0 }, as: UTF8.self))
        }
    }
}

private final class DataBox: Sendable {
    let data = Mutex<Data>(Data())
}
