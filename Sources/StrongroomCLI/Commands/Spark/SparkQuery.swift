import CASCore
import Foundation
import Parquet
import Runtime

/// `strongroom query --engine spark`: the same flags and output as the native engine, the SQL run
/// by Spark (spark/runner/strongroom_query.py under spark-submit). With --cas this process attests
/// exactly as the native engine does (job hash = SHA-256 of the SQL) and serves the KMS proxy to
/// the Spark driver it starts; with --keys the proxy unwraps with the development keys.
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

    func run() async throws {
        let installation = try SparkInstallation.locate()
        var runnerArguments = [installation.queryRunner, "--sql", sql, "--format", format.rawValue]
        for table in tables { runnerArguments += ["--table", table] }
        if let output { runnerArguments += ["--output", output] }
        if let outputKey { runnerArguments += ["--output-key", outputKey] }

        guard cas.isRequested else {
            let grant = try keys.map { KMSProxyGrant(kms: LocalKMS(masterKeys: try KeysFileLoader.load(path: $0)), unwrap: nil, wrap: nil) }
            let launch = AttestedSparkLaunch(installation: installation, master: master ?? "local[\(threads)]", executors: nil)
            try await execute(launch, runnerArguments, configuration: .init(), grant: grant, session: nil)
            return
        }
        let jobHash = JobHash.sql(sql)
        let session = try await cas.attest(jobHash: jobHash)
        let launch = AttestedSparkLaunch(
            installation: installation, master: master ?? "local[\(threads)]",
            executors: .init(casURL: cas.casURL!, caFile: cas.caFile, policy: cas.policy!, service: cas.service!,
                             agentSocket: cas.agent, evidence: cas.evidence.rawValue, jobHash: jobHash))
        let grant = KMSProxyGrant(kms: session.kmsClient(), unwrap: Set(session.configuration.unwrap), wrap: Set(session.configuration.wrap))
        try await execute(launch, runnerArguments, configuration: session.configuration, grant: grant, session: session)
    }

    private func execute(_ launch: AttestedSparkLaunch, _ runnerArguments: [String], configuration: ServiceConfiguration,
                         grant: KMSProxyGrant?, session: AttestedSession?) async throws {
        // Spark's INFO chatter would bury the rows' errors: the driver logs warnings and up only.
        let quiet = ["--conf", "spark.driver.extraJavaOptions=-Dlog4j2.configurationFile=file:\(launch.installation.projectDirectory)/conf/log4j2-quiet.properties"]
        let watch = ExecutorRefusalWatch()
        var run = AttestedLaunch(command: launch.command(userArguments: quiet + runnerArguments), configuration: configuration,
                                 baseEnvironment: launch.environment(), kmsProxy: grant)
        run.stderrObserver = { watch.observe($0) }
        let running = run
        let status: Int32
        do {
            status = try await BlockingBridge.offload { try running.run() }
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
