import CASCore
import Foundation
import Spark
import Parquet
import Runtime

/// `strongroom query --engine spark`: the same flags and output as the native engine, the SQL run
/// by Spark (spark/runner/strongroom_query.py under spark-submit). With --cas this process attests
/// as a Spark driver (job kind spark: the runtime, the runner and its arguments with the SQL) and
/// serves the KMS proxy to the Spark driver it starts; executors of a spark:// master attest as
/// service `executor` with this job's grant. With --keys the proxy unwraps with the development keys.
struct SparkQuery {
    var sql: String
    var tables: [String]
    var keys: String?
    var threads: Int
    var format: QueryOutputFormat
    var master: String?
    var output: String?
    var outputKey: String?
    var cas: CASAttestationOptions
    var printing = JobPrintOptions()

    static let executorService = "executor"

    /// spark-submit's arguments: quiet logging, the runner and its flags.
    func submitArguments(_ installation: SparkInstallation) -> [String] {
        // Spark's INFO chatter would bury the rows' errors: the driver logs warnings and up only.
        var arguments = ["--conf", "spark.driver.extraJavaOptions=-Dlog4j2.configurationFile=file:\(installation.projectDirectory)/conf/log4j2-quiet.properties"]
        arguments += [installation.queryRunner, "--sql", sql, "--format", format.rawValue]
        for table in tables { arguments += ["--table", table] }
        if let output { arguments += ["--output", output] }
        if let outputKey { arguments += ["--output-key", outputKey] }
        return arguments
    }

    func run() async throws {
        let installation = try SparkInstallation.locate()
        let runnerArguments = submitArguments(installation)
        let sparkMaster = master ?? "local[\(threads)]"
        if printing.isRequested {
            _ = try printing.print(try installation.jobs(arguments: runnerArguments).driver)
            return
        }

        guard cas.isRequested else {
            let grant = try keys.map { KMSProxyGrant(kms: LocalKMS(masterKeys: try KeysFile(contentsOf: $0)), unwrap: nil, wrap: nil) }
            let launch = AttestedSparkLaunch(installation: installation, master: master ?? "local[\(threads)]", executors: nil)
            try await execute(launch, runnerArguments, configuration: .init(), grant: grant, session: nil)
            return
        }
        try ProcessHardening.apply()
        let jobs = try installation.jobs(arguments: runnerArguments)
        let session = try await cas.attest(jobHash: jobs.driver.hash)
        var executors: AttestedSparkLaunch.ExecutorAttestation?
        if !sparkMaster.hasPrefix("local") {
            // Executors of a cluster attest as the helper service with this job's grant.
            do {
                let grant = try await session.grant(helperService: Self.executorService, helperJob: jobs.executor)
                executors = .init(casURL: cas.casURL!, caFile: cas.caFile, policy: cas.policy!, service: Self.executorService,
                                  agentSocket: cas.agent, evidence: cas.evidence.rawValue, grant: grant)
            } catch {
                await session.shutdown()
                throw CLIError((error as? RuntimeError)?.message ?? "\(error)")
            }
        }
        let launch = AttestedSparkLaunch(installation: installation, master: sparkMaster, executors: executors)
        let grant = KMSProxyGrant(kms: session.kmsClient(), unwrap: Set(session.configuration.unwrap), wrap: Set(session.configuration.wrap))
        try await execute(launch, runnerArguments, configuration: session.configuration, grant: grant, session: session)
    }

    private func execute(_ launch: AttestedSparkLaunch, _ runnerArguments: [String], configuration: ServiceConfiguration,
                         grant: KMSProxyGrant?, session: AttestedSession?) async throws {
        let watch = ExecutorRefusalWatch()
        var run = AttestedLaunch(command: launch.command(userArguments: runnerArguments), configuration: configuration,
                                 baseEnvironment: launch.environment(), kmsProxy: grant)
        run.stderrObserver = { watch.observe($0) }
        let running = run
        let status: Int32
        do {
            status = try await running.run()
        } catch {
            await session?.shutdown()
            throw error
        }
        await session?.shutdown()
        guard status != 0 else { return }
        if !watch.refusals.isEmpty {
            throw CLIError("the Spark query failed: CAS refused \(watch.refusals.joined(separator: ", "))")
        }
        // The runner printed its one-line error already.
        Foundation.exit(status)
    }
}
