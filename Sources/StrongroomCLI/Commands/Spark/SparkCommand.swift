import ArgumentParser
import Foundation
import Runtime

struct SparkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spark",
        abstract: "Run Apache Spark applications with every driver and executor attested to CAS.",
        subcommands: [SparkSubmitCommand.self])
}

/// `strongroom spark submit --cas URL --policy P [--service S] [--master URL] -- [spark-submit args]`
struct SparkSubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Attest as the Spark driver, then run spark-submit with PME through CAS, Spark's encryption on, and attested executors.",
        discussion: """
        The driver attests as --service (default: driver) with the job hash SHA-256 of the spark-submit \
        arguments joined by NUL; executors attest as --executor-service with the same job hash, each \
        through its own `strongroom run` (standalone workers start them via spark.executorEnv.JAVA_HOME = \
        spark/executor-java). Keys reach Spark only through the KMS proxy of each process's attested parent; \
        the Spark authentication secret only through the policy's files (spark/spark-defaults.conf). \
        An executor CAS refuses gets nothing and exits; when the job then fails, the refused executors are named.
        """)

    @OptionGroup var cas: CASAttestationOptions

    @Option(name: .customLong("executor-service"), help: "The policy's service executors attest as.")
    var executorService = "executor"

    @Option(help: "Spark master URL (spark://HOST:PORT, local[N]); default: spark-submit's.")
    var master: String?

    @Argument(parsing: .postTerminator, help: "-- spark-submit arguments (application file and its arguments last).")
    var sparkArguments: [String] = []

    func validate() throws {
        guard cas.casURL != nil else { throw ValidationError("--cas URL is required") }
        guard cas.policy != nil else { throw ValidationError("--policy is required") }
        if sparkArguments.isEmpty { throw ValidationError("give spark-submit's arguments after --: strongroom spark submit … -- APP.py ARGS…") }
    }

    func run() async throws {
        let installation = try SparkInstallation.locate()
        var attestation = cas
        if attestation.service == nil { attestation.service = "driver" }
        let jobHash = JobHash.command(sparkArguments)
        let session = try await attestation.attest(jobHash: jobHash)
        let launch = AttestedSparkLaunch(
            installation: installation, master: master,
            executors: .init(casURL: cas.casURL!, caFile: cas.caFile, policy: cas.policy!, service: executorService,
                             agentSocket: cas.agent, evidence: cas.evidence.rawValue, jobHash: jobHash))
        let watch = ExecutorRefusalWatch()
        var run = AttestedLaunch(command: launch.command(userArguments: sparkArguments), configuration: session.configuration,
                                 baseEnvironment: launch.environment(),
                                 kmsProxy: KMSProxyGrant(kms: session.kmsClient(), unwrap: Set(session.configuration.unwrap),
                                                         wrap: Set(session.configuration.wrap)))
        run.stderrObserver = { watch.observe($0) }
        let running = run
        let status: Int32
        do {
            status = try await BlockingBridge.offload { try running.run() }
        } catch {
            await session.shutdown()
            throw error
        }
        await session.shutdown()
        guard status != 0 else { return }
        let refusals = watch.refusals
        if !refusals.isEmpty {
            throw CLIError("the Spark job failed: CAS refused \(refusals.joined(separator: ", ")) (service \(executorService) of policy \(cas.policy!); the reason is in the executor's stderr on its worker and in CAS's audit log)")
        }
        Foundation.exit(status)
    }
}
