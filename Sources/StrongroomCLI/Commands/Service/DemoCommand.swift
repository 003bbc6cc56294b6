import ArgumentParser
import Crypto
import Foundation

/// `strongroom demo`: the whole confidential-analytics flow on one machine, with the commands
/// it runs printed as a user would type them. Everything runs from a temporary directory and
/// everything started is stopped at the end.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the end-to-end demo: CAS + node agent, an owner, encrypted taxi data, a policy pinning this binary, an attested query, the audit trail, and a modified binary refused.")

    @Option(help: "Taxi rows to generate.")
    var rows: Int = 200_000

    @Option(help: "Work directory (default: a new temporary directory, removed at the end).")
    var workDir: String?

    @Flag(help: "Keep the work directory.")
    var keep = false

    func run() async throws {
        let started = Date()
        let directory = try workDir ?? Self.temporaryDirectory()
        let demo = try DemoRun(directory: directory)
        defer {
            demo.stopAll()
            if !keep && workDir == nil { try? FileManager.default.removeItem(atPath: directory) }
        }
        try await demo.run(rows: rows)
        demo.say(String(format: "\nDemo finished in %.1f s%@.", Date().timeIntervalSince(started),
                        keep || workDir != nil ? " (files kept in \(directory))" : ""))
    }

    static func temporaryDirectory() throws -> String {
        try TemporaryDirectory.make(prefix: "strongroom-demo")
    }
}

/// The demo's steps and the processes it started.
final class DemoRun: @unchecked Sendable {  // used from one task; the process list is only touched there
    let directory: String
    let binary: String
    private var background: [Process] = []

    init(directory: String) throws {
        self.directory = directory
        binary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }

    func say(_ text: String) { print(text) }

    func step(_ title: String) { print("\n== \(title)") }

    /// Runs `strongroom ARGS` (or another binary), shows the command and its output; throws on failure
    /// unless `expectFailure`, in which case it returns the error text.
    @discardableResult
    func strongroom(_ arguments: [String], binary other: String? = nil, expectFailure: Bool = false, show: Bool = true) throws -> String {
        let shown = ([other.map { ($0 as NSString).lastPathComponent } ?? "strongroom"] + arguments.map(Self.quoted)).joined(separator: " ")
        if show { print("$ \(shown.replacingOccurrences(of: directory + "/", with: ""))") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: other ?? binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let failed = process.terminationStatus != 0
        let shownOutput = stdout.trimmingCharacters(in: .newlines)
        if show && !shownOutput.isEmpty { print(shownOutput.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")) }
        if failed && !expectFailure {
            throw CLIError("demo step failed: \(shown): \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        if expectFailure && !failed { throw CLIError("demo step should have been refused but succeeded: \(shown)") }
        return failed ? stderr : stdout
    }

    func startBackground(_ arguments: [String], log: String) throws {
        print("$ strongroom \(arguments.map(Self.quoted).joined(separator: " ").replacingOccurrences(of: directory + "/", with: "")) &")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let logHandle = FileHandle(forWritingAtPath: log) ?? FileHandle.nullDevice
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
        background.append(process)
    }

    func stopAll() {
        for process in background.reversed() where process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        background.removeAll()
    }

    func waitFor(file: String, seconds: Double = 30) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !FileManager.default.fileExists(atPath: file) {
            if Date() > deadline { throw CLIError("demo: \(file) did not appear within \(Int(seconds)) s") }
            if background.contains(where: { !$0.isRunning }) { throw CLIError("demo: a background process stopped early; see the logs in \(directory)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    static func quoted(_ argument: String) -> String {
        argument.contains(where: { " \"'*$()|;<>".contains($0) }) ? "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'" : argument
    }

    static func sha384(file: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
        return SHA384.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    func path(_ name: String) -> String { directory + "/" + name }

    func run(rows: Int) async throws {
        let sql = "SELECT payment_type, count(*) AS trips, round(avg(total_amount), 2) AS avg_total, round(sum(tip_amount), 2) AS tips FROM trips GROUP BY payment_type ORDER BY payment_type"
        say("Strongroom demo — work directory \(directory)")

        step("1. The operator starts CAS (SQLite store, TLS with its own CA) and the node agent (simulated TEE)")
        let initOutput = try strongroom(["cas", "init", "--data-dir", path("cas")], show: false)
        say("$ strongroom cas init --data-dir cas")
        say("  CAS master key in cas/cas-master.key; \(initOutput.split(separator: "\n").filter { $0.hasPrefix("srs1-") }.count) recovery shares printed once (not shown here)")
        try startBackground(["cas", "serve", "--data-dir", path("cas"), "--listen", "127.0.0.1:0", "--port-file", path("cas.port")], log: path("cas.log"))
        try startBackground(["agent", "serve", "--socket", path("agent.sock"), "--node-key", path("node.key")], log: path("agent.log"))
        try waitFor(file: path("cas.port"))
        try waitFor(file: path("agent.sock"))
        let port = try String(contentsOfFile: path("cas.port"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let cas = ["--cas", "https://127.0.0.1:\(port)", "--ca", path("cas/ca.pem")]
        let nodeKey = try strongroom(["agent", "public-key", "--node-key", path("node.key")], show: false).trimmingCharacters(in: .whitespacesAndNewlines)
        try strongroom(["cas", "trust-node"] + cas + ["--identity", path("cas/admin.identity"), "--name", "demo-node", "--public-key", nodeKey])

        step("2. The data custodian creates an identity and encrypts taxi data through CAS (master keys never leave CAS)")
        let custodianKey = try strongroom(["identity", "create", "--name", "custodian", "--out", path("custodian.identity")]).trimmingCharacters(in: .whitespacesAndNewlines)
        try strongroom(["parquet", "write-sample", "--kind", "taxi", "--rows", String(rows), path("taxi.parquet")])

        step("3. The custodian signs and applies a policy that pins this strongroom binary and the exact query")
        let measurement = try Self.sha384(file: binary)
        let jobHash = try strongroom(["query", "--sql", sql, "--print-job-hash"], show: false).trimmingCharacters(in: .whitespacesAndNewlines)
        say("$ strongroom query --sql \"$SQL\" --print-job-hash    # what the workload will attest as\n  \(jobHash)")
        let policy = """
            name: taxi-demo
            version: 1
            owners:
              - name: custodian
                public_key: "\(custodianKey)"
            approvals_required: 1
            master_keys:
              - id: trips-footer
              - id: trips-columns
              - id: results
            services:
              - name: query
                attestation:
                  - kind: simulated
                    measurements: ["\(measurement)"]
                allow_simulation: true
                job_hash: "\(jobHash)"
                unwrap: [trips-footer, trips-columns, results]
                wrap: [results]
                results: {master_key: results, recipients: [custodian]}

            """
        try policy.write(toFile: path("policy.yaml"), atomically: true, encoding: .utf8)
        say("  policy.yaml pins measurement \(measurement.prefix(16))… (SHA-384 of \(binary)) and job hash \(jobHash.prefix(16))…")
        try strongroom(["policy", "apply", path("policy.yaml")] + cas + ["--identity", path("custodian.identity")])
        try strongroom(["data", "encrypt", path("taxi.parquet"), path("taxi-encrypted.parquet")] + cas
                       + ["--policy", "taxi-demo", "--master-key", "trips-footer", "--identity", path("custodian.identity"),
                          "--column-key", "trips-columns:fare_amount,tip_amount,total_amount"])
        try? FileManager.default.removeItem(atPath: path("taxi.parquet"))
        let refusal = try strongroom(["parquet", "cat", path("taxi-encrypted.parquet")], expectFailure: true, show: false)
        say("$ strongroom parquet cat taxi-encrypted.parquet    # without keys\n  refused: \(refusal.trimmingCharacters(in: .whitespacesAndNewlines))")

        step("4. The workload attests (agent evidence bound to a CAS nonce), gets keys from CAS and runs the query")
        let query = ["query", "--sql", sql, "--table", "trips=" + path("taxi-encrypted.parquet")] + cas
            + ["--policy", "taxi-demo", "--service", "query", "--agent", path("agent.sock")]
        try strongroom(query)

        step("5. A modified copy of the binary is refused: its measurement is not in the policy")
        let modified = path("strongroom-modified")
        try FileManager.default.copyItem(atPath: binary, toPath: modified)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: modified))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("tampered".utf8))
        try handle.close()
        let refused = try strongroom(query, binary: modified, expectFailure: true)
        say("  refused: \(refused.trimmingCharacters(in: .whitespacesAndNewlines))")

        step("6. The audit trail (every decision, hash-chained, signed checkpoints)")
        let export = try strongroom(["audit", "export"] + cas + ["--identity", path("cas/admin.identity")], show: false)
        for line in export.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let seq = object["seq"] as? Int,
                  let type = object["type"] as? String else { continue }
            let parts = [object["policy"], object["service"], object["decision"], object["reason"]].compactMap { $0 as? String }
            let seqText = String(repeating: " ", count: max(0, 3 - String(seq).count)) + String(seq)
            say("  \(seqText)  \(type.padding(toLength: 15, withPad: " ", startingAt: 0)) \(parts.joined(separator: " · "))")
        }
        try strongroom(["audit", "verify"] + cas + ["--identity", path("cas/admin.identity")])
        stopAll()
    }
}
