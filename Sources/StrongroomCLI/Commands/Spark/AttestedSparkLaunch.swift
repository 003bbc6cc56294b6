import Foundation
import Runtime
import Synchronization

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
struct AttestedSparkLaunch: Sendable {
    /// Where executors attest; nil for development keys (local Spark only, no executors to attest).
    struct ExecutorAttestation: Sendable {
        var casURL: String
        var caFile: String?
        var policy: String
        var service: String
        var agentSocket: String
        var evidence: String
        /// The grant CAS issued to the attested driver for its executors (`srg1.…`).
        var grant: String
    }

    /// The executor environment variable carrying the grant: Spark redacts values of keys matching
    /// "token" in its UI, event logs and launch logs.
    static let grantVariable = "STRONGROOM_GRANT_TOKEN"

    /// What an executor's `strongroom run` exits with when CAS refuses it (`--refused-exit-code`):
    /// Spark reports it back to the driver as "Command exited with code 77".
    static let executorRefusedExitCode: Int32 = 77

    var installation: SparkInstallation
    var master: String?
    var executors: ExecutorAttestation?

    var configuration: [(String, String)] {
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
    var submitOptions: [String] {
        var options: [String] = []
        if let master { options += ["--master", master] }
        for (key, value) in configuration { options += ["--conf", "\(key)=\(value)"] }
        return options
    }

    /// The command `strongroom run`'s launch starts: the launcher, which points Spark at the
    /// policy's injected configuration and execs spark-submit.
    func command(userArguments: [String]) -> [String] {
        [installation.launcher, "submit"] + submitOptions + userArguments
    }

    /// The environment the launcher needs on top of ours (without code-loading variables).
    func environment(base: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var environment = SparkEnvironment.filtered(base)
        environment["SPARK_HOME"] = installation.sparkHome
        return environment
    }
}

/// Spark's standalone scheduler reports executor exits to the driver, which logs them
/// ("Executor added: app-…/0 on worker-… (host:port)", "Executor app-…/0 removed: Command exited
/// with code 77"). Collected from the driver's stderr so a refusal can be named.
///
/// A refusal ends the job: the standalone master would relaunch the executor forever (a launched
/// executor counts as RUNNING, which resets the master's retry count), and an application whose
/// executor failed the policy must not go on with the others.
final class ExecutorRefusalWatch: Sendable {
    private struct State {
        var workers: [String: String] = [:]
        var refused: [String] = []
    }
    private let state = Mutex(State())
    private let refusedText = "Command exited with code \(AttestedSparkLaunch.executorRefusedExitCode)"
    private let onFirstRefusal: @Sendable () -> Void

    init(onFirstRefusal: @escaping @Sendable () -> Void = { WorkloadProcess.signalRunningChild(SIGTERM) }) {
        self.onFirstRefusal = onFirstRefusal
    }

    func observe(_ line: String) {
        guard line.contains("app-") else { return }
        if let range = line.range(of: "Executor added: ") {
            let parts = line[range.upperBound...].split(separator: " ")
            if parts.count >= 3, parts[1] == "on" {
                // "worker-… (host:port)"; the core count after it says nothing about the refusal.
                let worker = parts.count >= 4 && parts[3].hasPrefix("(") ? "\(parts[2]) \(parts[3])" : String(parts[2])
                state.withLock { $0.workers[String(parts[0])] = worker }
            }
        } else if line.contains(refusedText), let id = Self.executorID(in: line) {
            let first = state.withLock { s -> Bool in
                guard !s.refused.contains(id) else { return false }
                s.refused.append(id)
                return s.refused.count == 1
            }
            if first { onFirstRefusal() }
        }
    }

    /// "executor app-…/0 on worker-… (127.0.0.1:40001)" for each refused executor.
    var refusals: [String] {
        state.withLock { s in s.refused.map { id in "executor \(id)" + (s.workers[id].map { " on \($0)" } ?? "") } }
    }

    /// The first `app-…/N` token in a line.
    static func executorID(in line: String) -> String? {
        for word in line.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == "(" || $0 == ")" }) where word.hasPrefix("app-") && word.contains("/") {
            return String(word)
        }
        return nil
    }
}
