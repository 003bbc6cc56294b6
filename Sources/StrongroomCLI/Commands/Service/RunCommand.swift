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

    @Argument(parsing: .postTerminator, help: "-- CMD ARGS…")
    var command: [String] = []

    func validate() throws {
        try cas.validateRequired()
        if command.isEmpty { throw ValidationError("give the command after --: strongroom run … -- CMD ARGS…") }
    }

    func run() async throws {
        let hash = try jobHash.map { try JobHash.parse(hex: $0) } ?? JobHash.command(command)
        let session = try await cas.attest(jobHash: hash)
        // The workload needs no CAS connection; its configuration is all it gets.
        let launch = AttestedLaunch(command: command, configuration: session.configuration)
        await session.shutdown()
        let status = try await BlockingBridge.offload { try launch.run() }
        // Exit directly: ArgumentParser would turn a child's 64 into a usage error.
        if status != 0 { Foundation.exit(status) }
    }
}
