import Foundation
import Runtime

/// The spark-submit options that make a Spark application confidential, shared by
/// `strongroom spark submit` and `strongroom query --engine spark`:
/// - parquet-java reads and writes PME through `CasKmsClient`, which asks the KMS proxy of the
///   `strongroom run` parent of its JVM (driver and executors);
/// - executors attest before their JVM starts: standalone workers launch an executor as
///   `$JAVA_HOME/bin/java …` with the application's `spark.executorEnv.*` in its environment, so
///   `spark.executorEnv.JAVA_HOME` points at spark/executor-java, whose bin/java is
///   `strongroom run --kms-proxy … -- <real java> …` configured by the STRONGROOM_* variables;
/// - Spark's own protection is switched on (authentication, AES RPC encryption, shuffle and spill
///   encryption). The authentication secret is not here: CAS injects it after attestation through
///   the policy's files (spark/spark-defaults.conf in the private directory, see attested-spark).
public struct AttestedSparkLaunch: Sendable {
    /// Where executors attest; nil for development keys (local Spark only, no executors to attest).
    public struct ExecutorAttestation: Sendable {
        public var casURL: String
        public var caFile: String?
        public var policy: String
        public var service: String
        public var agentSocket: String
        public var evidence: String
        /// The grant CAS issued to the attested driver for its executors (`srg1.…`).
        public var grant: String

        public init(
            casURL: String, caFile: String?, policy: String, service: String, agentSocket: String, evidence: String,
            grant: String
        ) {
            self.casURL = casURL
            self.caFile = caFile
            self.policy = policy
            self.service = service
            self.agentSocket = agentSocket
            self.evidence = evidence
            self.grant = grant
        }
    }

    /// The executor environment variable carrying the grant: Spark redacts values of keys matching
    /// "token" in its UI, event logs and launch logs.
    public static let grantVariable = "STRONGROOM_GRANT_TOKEN"

    /// What an executor's `strongroom run` exits with when CAS refuses it (`--refused-exit-code`):
    /// Spark reports it back to the driver as "Command exited with code 77".
    public static let executorRefusedExitCode: Int32 = 77

    public var installation: SparkInstallation
    public var master: String?
    public var executors: ExecutorAttestation?

    public init(installation: SparkInstallation, master: String?, executors: ExecutorAttestation?) {
        self.installation = installation
        self.master = master
        self.executors = executors
    }

    public var configuration: [(String, String)] {
        var conf: [(String, String)] = [
            ("spark.hadoop.parquet.crypto.factory.class", SparkInstallation.cryptoFactoryClass),
            ("spark.hadoop.parquet.encryption.kms.client.class", SparkInstallation.kmsClientClass),
            ("spark.driver.extraClassPath", installation.kmsJar),
            ("spark.executor.extraClassPath", installation.kmsJar),
            ("spark.authenticate", "true"),
            ("spark.network.crypto.enabled", "true"),
            ("spark.io.encryption.enabled", "true"),
        ]
        if let executors {
            var environment: [(String, String)] = [
                ("JAVA_HOME", installation.executorJavaHome),
                ("STRONGROOM_BIN", installation.strongroomBinary),
                ("STRONGROOM_CAS", executors.casURL),
                ("STRONGROOM_POLICY", executors.policy),
                ("STRONGROOM_SERVICE", executors.service),
                ("STRONGROOM_AGENT", executors.agentSocket),
                ("STRONGROOM_EVIDENCE", executors.evidence),
                (Self.grantVariable, executors.grant),
                ("STRONGROOM_EXECUTOR_JAVA", installation.java),
                ("STRONGROOM_EXECUTOR_JAVA_HOME", installation.javaHome),
                ("STRONGROOM_REFUSED_EXIT_CODE", String(Self.executorRefusedExitCode)),
            ]
            if let ca = executors.caFile { environment.append(("STRONGROOM_CAS_CA", ca)) }
            conf += environment.map { ("spark.executorEnv.\($0.0)", $0.1) }
        }
        return conf
    }

    /// `[--master M] --conf k=v …`, to go before the user's own spark-submit arguments (a user
    /// `--conf` of the same key comes later and wins).
    public var submitOptions: [String] {
        var options: [String] = []
        if let master { options += ["--master", master] }
        for (key, value) in configuration { options += ["--conf", "\(key)=\(value)"] }
        return options
    }

    /// The command `strongroom run`'s launch starts: the launcher, which points Spark at the
    /// policy's injected configuration and execs spark-submit.
    public func command(userArguments: [String]) -> [String] {
        [installation.launcher, "submit"] + submitOptions + userArguments
    }

    /// The environment the launcher needs on top of ours (without code-loading variables).
    public func environment(base: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var environment = SparkEnvironment.filtered(base)
        environment["SPARK_HOME"] = installation.sparkHome
        return environment
    }
}
