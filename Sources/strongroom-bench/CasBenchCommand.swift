import ArgumentParser
import Attestation
import CASClient
import CASCore
import CASServer
import CASStorage
import Crypto
import Foundation
import StrongroomCLI
import Logging
import Policy
import StrongroomCrypto
import Synchronization
import Support

/// `strongroom-bench cas`: attestations and key unwraps per second with p50/p99 latency against a
/// CAS started in this process (real HTTP over loopback, TLS by default, SQLite or PostgreSQL
/// store). The load generator shares the machine with CAS; it signs simulated reports with a
/// node key as the agent would (measuring a process is the agent's cost, not CAS's).
struct CasBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cas", abstract: "Attestations and KMS unwraps per second and latency percentiles against an in-process CAS.")

    @Option(help: "Seconds per phase.")
    var seconds: Double = 10

    @Option(help: "Concurrent clients.")
    var concurrency: Int = 16

    @Option(help: "postgres://… to keep CAS state in PostgreSQL (default: SQLite in a temporary directory).")
    var database: String?

    @Flag(name: .customLong("insecure-http"), help: "Plain HTTP on loopback instead of TLS.")
    var insecureHTTP = false

    @Option(help: "text or json.")
    var format: Format = .text

    enum Format: String, ExpressibleByArgument { case text, json }

    struct PhaseResult: Codable {
        var operation: String
        var count: Int
        var perSecond: Double
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var maxMilliseconds: Double
        var errors: Int
    }

    func run() async throws {
        let directory = try TemporaryDirectory.make(prefix: "strongroom-bench")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var logger = Logger(label: "strongroom.cas.bench")
        logger.logLevel = .critical  // the load's request logs and the shutdown's cancellations are noise here
        let store: any CASStore
        if let database {
            store = try await PostgresCASStore(url: database, logger: logger)
        } else {
            store = try SQLiteCASStore(path: directory + "/cas.sqlite")
        }
        let admin = OwnerIdentity(name: "administrator"), owner = OwnerIdentity(name: "owner")
        let gate = CASGate(store: store, logger: logger)
        let masterKey = CASMasterKey.generate()
        _ = try await CASKeyring.initialize(store, masterKey: masterKey, administrator: admin.publicKey)
        try await gate.unseal(masterKey: masterKey, method: "key-file")
        let transport: CASServerConfiguration.Transport = insecureHTTP
            ? .insecureHTTP : .tls(try CASTLSMaterial.loadOrCreate(dataDir: directory, hosts: ["127.0.0.1"]))
        let application = try CASApplication(
            configuration: CASServerConfiguration(host: "127.0.0.1", port: 0, transport: transport),
            handlers: CASServiceHandlers(gate: gate), logger: logger)
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = try application.makeApplication { portSink.yield($0) }
        let results = try await withThrowingTaskGroup(of: [PhaseResult]?.self) { group in
            group.addTask { try await app.run(); return nil }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CLIError("CAS did not start") }
            let client = try CASClient(
                baseURL: "\(insecureHTTP ? "http" : "https")://127.0.0.1:\(port)", caFile: insecureHTTP ? nil : directory + "/ca.pem")
            return try await client.using { client in try await measure(client, admin: admin, owner: owner) }
        }
        await store.close()
        guard let results = results ?? nil else { return }
        if format == .json {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
        } else {
            print("CAS \(insecureHTTP ? "HTTP" : "TLS"), \(database == nil ? "SQLite" : "PostgreSQL"), \(concurrency) concurrent clients, \(Int(seconds)) s per phase, \(ProcessInfo.processInfo.activeProcessorCount) cores shared with the load generator")
            print("operation    count    per second   p50 ms   p99 ms   max ms  errors")
            for r in results {
                print(String(format: "%-10@ %7d %12.0f %8.2f %8.2f %8.2f %7d", r.operation as NSString, r.count, r.perSecond,
                             r.p50Milliseconds, r.p99Milliseconds, r.maxMilliseconds, r.errors))
            }
        }
    }

    private func measure(_ client: CASClient, admin: OwnerIdentity, owner: OwnerIdentity) async throws -> [PhaseResult] {
        let node = NodeKey()
        _ = try await client.registerNode(NodeRegistration(name: "bench-node", publicKey: node.publicKey.text), as: admin)
        let measurement = [UInt8](SHA384.hash(data: Array("strongroom bench workload".utf8)))
        let policy = """
            name: bench
            version: 1
            owners:
              - {name: owner, public_key: "\(owner.publicKey.text)"}
            approvals_required: 1
            master_keys:
              - id: data
            services:
              - name: job
                attestation:
                  - {kind: simulated, measurements: ["\(LowercaseHex.encode(measurement))"]}
                allow_simulation: true
                environment: {TOKEN: "{{secret:api}}"}
                unwrap: [data]
            secrets:
              - {name: api, kind: random, size: 32}
            """
        let version = try PolicyVersion(yaml: policy)
        _ = try await client.applyPolicy(SignedPolicySubmission(version: version, signedBy: [owner]))

        @Sendable func attestOnce() async throws -> CASCredential {
            let runtimeKey = P256.KeyAgreement.PrivateKey()
            let signingKey = P256.Signing.PrivateKey()
            let publicKey = [UInt8](runtimeKey.publicKey.x963Representation)
            let signingPublicKey = [UInt8](signingKey.publicKey.x963Representation)
            let challenge = try await client.challenge()
            let reportData = ReportDataBinding.reportData(
                nonce: challenge.nonce, runtimePublicKey: publicKey + signingPublicKey, jobHash: ReportDataBinding.noJobHash)
            let report = try node.sign(SimulatedReport(
                measurement: measurement, reportData: reportData, issuedAt: UInt64(Date().timeIntervalSince1970), pid: 1))
            let response = try await client.attest(AttestRequest(
                policy: "bench", service: "job", nonce: challenge.nonce, evidence: Evidence(kind: .simulated, report: report.encoded()),
                runtimePublicKey: publicKey, runtimeSigningKey: signingPublicKey, jobHash: ReportDataBinding.noJobHash))
            _ = try response.config.openConfiguration(with: runtimeKey)
            return .workload(token: response.token, signingKey: signingKey)
        }
        let attest = try await phase("attest") { _ = try await attestOnce() }
        let workload = try await attestOnce()
        let dataKey = SecureRandom.bytes(count: 16)
        let wrapped = try await client.wrap(WrapRequest(masterKeyID: "data", key: dataKey, policy: "bench"), credential: .owner(owner)).wrappedKey
        let unwrap = try await phase("unwrap") {
            // Every request is signed anew with the runtime key (proof of possession, replay cache).
            let key = try await client.unwrap(UnwrapRequest(masterKeyID: "data", wrappedKey: wrapped), credential: workload).key
            guard key == dataKey else { throw CLIError("unwrap returned a different key") }
        }
        return [attest, unwrap]
    }

    /// Runs `operation` from `concurrency` tasks for `seconds` and summarises the latencies.
    private func phase(_ name: String, _ operation: @escaping @Sendable () async throws -> Void) async throws -> PhaseResult {
        let progress = StrongroomCLI.Progress("bench cas \(name)")
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let started = ContinuousClock.now
        let perTask = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var latencies: [Double] = []
                    var errors = 0
                    while ContinuousClock.now < deadline {
                        let start = ContinuousClock.now
                        do { try await operation() } catch { errors += 1; continue }
                        let elapsed = ContinuousClock.now - start
                        latencies.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
                    }
                    return (latencies, errors)
                }
            }
            var all: [([Double], Int)] = []
            for try await result in group { all.append(result) }
            return all
        }
        var progressDone = progress
        progressDone.finish()
        let wall = ContinuousClock.now - started
        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        let latencies = perTask.flatMap(\.0).sorted()
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int((p * Double(latencies.count)).rounded(.up)) - 1)]
        }
        return PhaseResult(
            operation: name, count: latencies.count, perSecond: Double(latencies.count) / wallSeconds,
            p50Milliseconds: percentile(0.50), p99Milliseconds: percentile(0.99), maxMilliseconds: latencies.last ?? 0,
            errors: perTask.map(\.1).reduce(0, +))
    }
}
