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

        var job = AttestedSparkJob(installation: installation, arguments: runnerArguments, master: sparkMaster)
        let outcome: AttestedSparkJob.Outcome
        if cas.isRequested {
            try ProcessHardening.apply()
            job.guardian = PrivateDirectoryGuardian()
            let (attestation, client) = try cas.attestation()
            // Executors of a cluster attest as the helper service with this job's grant.
            let executors = sparkMaster.hasPrefix("local") ? nil : AttestedSparkJob.Executors(
                service: Self.executorService, casURL: cas.casURL!, caFile: cas.caFile, agentSocket: cas.agent, evidence: cas.evidence.rawValue)
            do {
                outcome = try await job.run(attestation: attestation, client: client, executors: executors)
            } catch let error as RuntimeError {
                throw CLIError(error.message)
            }
        } else {
            let grant = try keys.map { KMSProxyGrant(kms: LocalKMS(masterKeys: try KeysFile(contentsOf: $0)), unwrap: nil, wrap: nil) }
            outcome = try await job.run(localKeys: grant)
        }
        guard outcome.status != 0 else { return }
        if !outcome.refusedExecutors.isEmpty {
            throw CLIError("the Spark query failed: CAS refused \(outcome.refusedExecutors.joined(separator: ", "))")
        }
        // The runner printed its one-line error already.
        Foundation.exit(outcome.status)
    }
}
