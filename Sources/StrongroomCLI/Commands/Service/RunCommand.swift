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

    /// A helper's grant (set by `spark executor` from its environment; never a command-line option).
    var grant: String?

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

    /// The attestation these options describe, and a client for their CAS.
    func attestation() throws -> (RuntimeAttestation, CASClient) {
        guard let casURL, let policy, let service else { throw CLIError("--cas, --policy and --service are required") }
        let client: CASClient
        do {
            client = try CASClient(baseURL: casURL, caFile: caFile)
        } catch {
            throw CLIError(error.detail)
        }
        return (RuntimeAttestation(policy: policy, service: service, evidenceSource: evidenceSource, grant: grant), client)
    }

    /// Attests for `jobHash`; the session owns the CAS client (shut it down when done).
    func attest(jobHash: [UInt8]) async throws -> AttestedSession {
        let (attestation, client) = try attestation()
        return try await attestation.attest(client: client, jobHash: jobHash)
    }

    /// Runs an attested job; a refusal exits with `refusedExitCode` when one is given (so a
    /// launcher can tell it from a failed command). Errors are prefixed with `label`.
    func run(_ job: AttestedJob, label: String?, refusedExitCode: Int32?) async throws -> Int32 {
        let (attestation, client) = try attestation()
        do {
            return try await job.run(attestation: attestation, client: client)
        } catch let error as RuntimeError {
            let text = label.map { "\($0): \(error.message)" } ?? error.message
            guard error.isRefusal, let refusedExitCode else { throw CLIError(text) }
            StandardError.write("error: \(text)\n")
            Foundation.exit(refusedExitCode)
        }
    }
}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Attest to CAS, then run a command with the policy's environment, arguments and files.",
        discussion: """
        The job hash bound into the evidence describes what runs (`--print-job-hash` prints it, `--print-job` with \
        its description): the program's bytes (and its #! interpreter's), the arguments, every code file \
        (--code, and arguments naming files such as job.py or app.jar), the code bundle, PATH and the \
        --env/--pass-env variables. Nothing else of the caller's environment reaches the command but \
        HOME, USER, LOGNAME, locale and terminal settings. Files the policy injects are written to a \
        private directory (tmpfs, mode 0700) whose path is in STRONGROOM_PRIVATE_DIR; it is removed when \
        the command ends or this process dies. Exits with the command's status.
        """)

    @OptionGroup var cas: CASAttestationOptions
    @OptionGroup var job: RunJobOptions
    @OptionGroup var printing: JobPrintOptions

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
        if command.isEmpty { throw ValidationError("give the command after --: strongroom run … -- CMD ARGS…") }
        if printing.isRequested { return }
        try cas.validateRequired()
        if let refusedExitCode, !(1...255).contains(refusedExitCode) { throw ValidationError("--refused-exit-code must be 1…255") }
    }

    func run() async throws {
        try ProcessHardening.apply()
        // Forked before any secret is in this process: wipes the private directory if we are killed.
        let guardian = PrivateDirectoryGuardian()
        let runJob = try job.runJob(command: command)
        if try printing.print(try runJob.manifest()) { return }
        var attested = try AttestedJob(runJob, inherited: ProcessInfo.processInfo.environment)
        attested.kmsProxy = kmsProxy
        attested.guardian = guardian
        let status = try await cas.run(attested, label: label, refusedExitCode: refusedExitCode)
        // Exit directly: ArgumentParser would turn a child's 64 into a usage error.
        if status != 0 { Foundation.exit(status) }
    }
}

/// What `strongroom run` takes to describe a job (also with --print-job-hash).
struct RunJobOptions: ParsableArguments {
    @Option(name: .customLong("code"), help: "A code file or directory the command runs (hashed into the job; repeatable).")
    var code: [String] = []

    @Option(name: .customLong("env"), help: "NAME=VALUE for the command's environment (hashed into the job; repeatable).")
    var env: [String] = []

    @Option(name: .customLong("pass-env"), help: "Pass this variable of the current environment to the command (its value is hashed into the job; repeatable).")
    var passEnv: [String] = []

    @Option(name: .customLong("code-bundle"), help: "An encrypted code bundle (`strongroom code seal`): unpacked into the private directory after attestation, the command runs there; its bytes are hashed into the job.")
    var codeBundle: String?

    func runJob(command: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RunJob {
        var variables: [String: String] = [:]
        for item in env {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else { throw ValidationError("--env takes NAME=VALUE, got \(item)") }
            variables[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        for name in passEnv {
            guard let value = environment[name] else { throw ValidationError("--pass-env \(name): not set in this environment") }
            variables[name] = value
        }
        var bundle: [UInt8]?
        if let codeBundle {
            guard let data = FileManager.default.contents(atPath: codeBundle) else { throw CLIError("cannot read code bundle \(codeBundle)") }
            bundle = [UInt8](data)
        }
        return RunJob(command: command, codePaths: code, environment: variables, bundle: bundle, searchPath: environment["PATH"])
    }
}
