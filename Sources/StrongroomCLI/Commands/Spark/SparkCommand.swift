import ArgumentParser
import Foundation
import Spark
import Runtime

struct SparkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spark",
        abstract: "Run Apache Spark applications with every driver and executor attested to CAS.",
        subcommands: [SparkSubmitCommand.self, SparkExecutorCommandLine.self])
}

/// `strongroom spark submit --cas URL --policy P [--service S] [--master URL] -- [spark-submit args]`
struct SparkSubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Attest as the Spark driver, then run spark-submit with PME through CAS, Spark's encryption on, and attested executors.",
        discussion: """
        The driver attests as --service (default: driver) with the job hash of a spark job: the Spark \
        runtime (JDK, jars), the launch scripts, the application's files and the spark-submit arguments \
        (--print-job shows it). It then obtains from CAS a grant for --executor-service (whose policy entry \
        names the driver's service in helper_of) bound to this job and to the executors' code; each \
        executor attests through `strongroom spark executor` with that grant (standalone workers start \
        them via spark.executorEnv.JAVA_HOME = spark/executor-java). Keys reach Spark only through the KMS \
        proxy of each process's attested parent; the Spark authentication secret only through the \
        policy's files (spark/spark-defaults.conf). An executor CAS refuses gets nothing and exits; when \
        the job then fails, the refused executors are named.
        """)

    @OptionGroup var cas: CASAttestationOptions

    @Option(name: .customLong("executor-service"), help: "The policy's service executors attest as (helper_of the driver's).")
    var executorService = "executor"

    @Option(help: "Spark master URL (spark://HOST:PORT, local[N]); default: spark-submit's.")
    var master: String?

    @OptionGroup var printing: JobPrintOptions

    @Argument(parsing: .postTerminator, help: "-- spark-submit arguments (application file and its arguments last).")
    var sparkArguments: [String] = []

    func validate() throws {
        if sparkArguments.isEmpty { throw ValidationError("give spark-submit's arguments after --: strongroom spark submit … -- APP.py ARGS…") }
        if printing.isRequested { return }
        guard cas.casURL != nil else { throw ValidationError("--cas URL is required") }
        guard cas.policy != nil else { throw ValidationError("--policy is required") }
    }

    func run() async throws {
        let installation = try SparkInstallation.locate()
        if try printing.print(try installation.jobs(arguments: sparkArguments).driver) { return }
        try ProcessHardening.apply()
        var job = AttestedSparkJob(installation: installation, arguments: sparkArguments, master: master)
        job.guardian = PrivateDirectoryGuardian()
        var options = cas
        if options.service == nil { options.service = "driver" }
        let (attestation, client) = try options.attestation()
        let executors = AttestedSparkJob.Executors(
            service: executorService, casURL: cas.casURL!, caFile: cas.caFile, agentSocket: cas.agent, evidence: cas.evidence.rawValue)
        let outcome: AttestedSparkJob.Outcome
        do {
            outcome = try await job.run(attestation: attestation, client: client, executors: executors)
        } catch let error as RuntimeError {
            throw CLIError(error.message)
        }
        guard outcome.status != 0 else { return }
        if !outcome.refusedExecutors.isEmpty {
            throw CLIError("the Spark job failed: CAS refused \(outcome.refusedExecutors.joined(separator: ", ")) (service \(executorService) of policy \(cas.policy!); the reason is in the executor's stderr on its worker and in CAS's audit log)")
        }
        Foundation.exit(outcome.status)
    }
}

/// `strongroom spark executor --cas … --policy P --service executor -- JAVA ARGS…`: what
/// spark/executor-java runs when a standalone worker starts an executor. It checks the command is a
/// Spark executor launch, computes the executors' job from the runtime it would run, attests with
/// the driver's grant (from the environment, never the command line) and starts the JVM under the
/// KMS proxy. The grant is removed from the JVM's environment.
struct SparkExecutorCommandLine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "executor",
        abstract: "Attest a Spark executor with its driver's grant, then start its JVM (run by spark/executor-java).")

    @OptionGroup var cas: CASAttestationOptions

    @Option(name: .customLong("grant-env"), help: "The environment variable holding the driver's grant.")
    var grantVariable = AttestedSparkLaunch.grantVariable

    @Option(name: .customLong("refused-exit-code"), help: "Exit status when CAS refuses the attestation.")
    var refusedExitCode: Int32 = AttestedSparkLaunch.executorRefusedExitCode

    @Option(name: .customLong("label"), help: "Names this executor in error messages.")
    var label: String?

    @Argument(parsing: .postTerminator, help: "-- JAVA OPTIONS… org.apache.spark.executor.CoarseGrainedExecutorBackend ARGS…")
    var command: [String] = []

    func validate() throws {
        try cas.validateRequired()
        if command.isEmpty { throw ValidationError("give the executor command after --") }
    }

    func run() async throws {
        try ProcessHardening.apply()
        let guardian = PrivateDirectoryGuardian()
        let environment = ProcessInfo.processInfo.environment
        let text = label ?? "Spark executor"
        func refuse(_ message: String) -> Never {
            StandardError.write("error: \(text): \(message)\n")
            Foundation.exit(refusedExitCode)
        }
        let executor: SparkExecutorCommand
        do { executor = try SparkExecutorCommand(argv: command) } catch { refuse(error.message) }
        guard let grant = environment[grantVariable], !grant.isEmpty else {
            refuse("no grant in \(grantVariable): executors attest only with their driver's grant (start them through strongroom spark submit)")
        }
        let pythonLibraries = environment["SPARK_HOME"].map { SparkRuntime.files(in: $0 + "/python/lib", ending: ".zip") } ?? []
        let manifest = SparkRuntime.executorManifest(identity: try executor.runtime(pythonLibraries: pythonLibraries).identity())
        var attestation = cas
        attestation.grant = grant
        var base = SparkEnvironment.filtered(environment)
        base.removeValue(forKey: grantVariable)
        base.removeValue(forKey: AttestedSparkLaunch.grantVariable)
        var job = AttestedJob(manifest: manifest, command: command, executable: executor.java, baseEnvironment: base)
        job.kmsProxy = true
        job.guardian = guardian
        let status = try await attestation.run(job, label: text, refusedExitCode: refusedExitCode)
        if status != 0 { Foundation.exit(status) }
    }
}

/// `--print-job-hash` / `--print-job`: print what a command would attest as, instead of running it
/// (owners pin this value in a policy's job_hash).
struct JobPrintOptions: ParsableArguments {
    @Flag(name: .customLong("print-job-hash"), help: "Print the job hash (64 hex digits) this command would attest with, and exit.")
    var printHash = false

    @Flag(name: .customLong("print-job"), help: "Print the job's description and hash as JSON, and exit.")
    var printJob = false

    var isRequested: Bool { printHash || printJob }

    /// Prints and returns true when asked to.
    func print(_ manifest: JobManifest) throws -> Bool {
        if printJob {
            Swift.print(#"{"job_hash":"\#(manifest.hashHex)","job":\#(manifest.canonicalJSON)}"#)
            return true
        }
        if printHash {
            Swift.print(manifest.hashHex)
            return true
        }
        return false
    }
}
