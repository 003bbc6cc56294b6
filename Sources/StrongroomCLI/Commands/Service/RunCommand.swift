import ArgumentParser
import Attestation
import CASClient
import Foundation
import Runtime

enum EvidenceOption: String, ExpressibleByArgument, CaseIterable {
    case agent, configfs
}

/// The options every attested command shares: where CAS is, which policy and service to attest
/// for, and where evidence comes from.
struct CASAttestationOptions: ParsableArguments {
    @Option(name: .customLong("cas"), help: "CAS base URL (https://HOST:PORT; http only on loopback).")
    var casURL: String?

    @Option(name: .customLong("ca"), help: "The CAS CA certificate (ca.pem in the CAS data directory), for https.")
    var caFile: String?

    @Option(help: "The policy to attest against.")
    var policy: String?

    @Option(help: "The policy's service this workload runs as.")
    var service: String?

    @Option(help: "The node agent's Unix socket (simulated TEE evidence).")
    var agent: String = EvidenceSource.defaultAgentSocket

    @Option(help: "Where evidence comes from: agent (node agent socket) or configfs (configfs-tsm on SEV-SNP/TDX guests).")
    var evidence: EvidenceOption = .agent

    var isRequested: Bool { casURL != nil }

    /// Validation for commands where CAS is optional: the other CAS options need --cas.
    func validateOptional() throws {
        if casURL == nil {
            if policy != nil || service != nil || caFile != nil {
                throw ValidationError("--policy, --service and --ca go with --cas")
            }
        } else {
            try validateRequired()
        }
    }

    func validateRequired() throws {
        guard casURL != nil else { throw ValidationError("--cas URL is required") }
        guard policy != nil else { throw ValidationError("--policy is required with --cas") }
        guard service != nil else { throw ValidationError("--service is required with --cas") }
    }

    var evidenceSource: EvidenceSource {
        switch evidence {
        case .agent: .agent(socketPath: agent)
        case .configfs: .configfs(ConfigfsTSM())
        }
    }

    /// Attests for `jobHash`; the session owns the CAS client (shut it down when done).
    func attest(jobHash: [UInt8]) async throws -> AttestedSession {
        guard let casURL, let policy, let service else { throw CLIError("--cas, --policy and --service are required") }
        let client: CASClient
        do {
            client = try CASClient(baseURL: casURL, caFile: caFile)
        } catch {
            throw CLIError(error.detail)
        }
        return try await RuntimeAttestation(policy: policy, service: service, evidenceSource: evidenceSource)
            .attest(client: client, jobHash: jobHash)
    }
}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Attest to CAS, then run a command with the policy's environment, arguments and files.",
        discussion: """
        The job hash bound into the evidence is SHA-256 of the command and its arguments joined by NUL \
        (override with --job-hash). Files the policy injects are written to a private directory \
        (tmpfs when available, mode 0700) whose path is in STRONGROOM_PRIVATE_DIR; it is removed when \
        the command ends. Exits with the command's status.
        """)

    @OptionGroup var cas: CASAttestationOptions

    @Option(name: .customLong("job-hash"), help: "The job hash (64 hex digits) instead of SHA-256 of the command line.")
    var jobHash: String?

    @Flag(name: .customLong("kms-proxy"), help: """
        Serve a KMS proxy to the command: a Unix socket in the private directory (path in \
        STRONGROOM_KMS_SOCKET) that wraps and unwraps keys through CAS with this process's token, for \
        the master keys the policy grants (the Spark KMS client uses it). The token never leaves this process.
        """)
    var kmsProxy = false

    @Option(name: .customLong("refused-exit-code"), help: "Exit status when CAS refuses the attestation (default 1), so a launcher can tell a refusal from a failed command.")
    var refusedExitCode: Int32?

    @Option(name: .customLong("label"), help: "Names this process in error messages (e.g. \"executor 3 of app-…\").")
    var label: String?

    @Argument(parsing: .postTerminator, help: "-- CMD ARGS…")
    var command: [String] = []

    func validate() throws {
        try cas.validateRequired()
        if command.isEmpty { throw ValidationError("give the command after --: strongroom run … -- CMD ARGS…") }
        if let refusedExitCode, !(1...255).contains(refusedExitCode) { throw ValidationError("--refused-exit-code must be 1…255") }
    }

    func run() async throws {
        let hash = try jobHash.map { try JobHash.parse(hex: $0) } ?? JobHash.command(command)
        let session: AttestedSession
        do {
            session = try await cas.attest(jobHash: hash)
        } catch let error as RuntimeError {
            let text = label.map { "\($0): \(error.message)" } ?? error.message
            guard error.isRefusal, let refusedExitCode else { throw CLIError(text) }
            StandardError.write("error: \(text)\n")
            Foundation.exit(refusedExitCode)
        }
        var launch = AttestedLaunch(command: command, configuration: session.configuration)
        if kmsProxy {
            // The parent keeps the session (and its token) for the proxy while the command runs.
            launch.kmsProxy = KMSProxyGrant(kms: session.kmsClient(), unwrap: Set(session.configuration.unwrap),
                                            wrap: Set(session.configuration.wrap))
        } else {
            // The workload needs no CAS connection; its configuration is all it gets.
            await session.shutdown()
        }
        let running = launch
        let status: Int32
        do {
            status = try await BlockingBridge.offload { try running.run() }
        } catch {
            if kmsProxy { await session.shutdown() }
            throw error
        }
        if kmsProxy { await session.shutdown() }
        // Exit directly: ArgumentParser would turn a child's 64 into a usage error.
        if status != 0 { Foundation.exit(status) }
    }
}
