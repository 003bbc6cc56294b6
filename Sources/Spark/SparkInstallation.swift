import Runtime
import Support
import Foundation

/// Where the pieces of an attested Spark launch are on this machine: Spark itself (SPARK_HOME,
/// else the pyspark package), the project's spark/ directory (launcher, executor java wrapper,
/// SQL runner), the KMS client jar built by scripts/build-spark-kms.sh, this strongroom binary
/// and the real java the executors run.
public struct SparkInstallation: Sendable {
    /// SPARK_HOME (bin/spark-submit, bin/spark-class, jars/).
    public var sparkHome: String
    /// The project's spark/ directory.
    public var projectDirectory: String
    public var kmsJar: String
    public var strongroomBinary: String
    /// The java binary executors really run once attested, and its home.
    public var java: String
    public var javaHome: String

    public var launcher: String { projectDirectory + "/bin/attested-spark" }
    /// A JAVA_HOME whose bin/java attests first (spark.executorEnv.JAVA_HOME).
    public var executorJavaHome: String { projectDirectory + "/executor-java" }
    public var queryRunner: String { projectDirectory + "/runner/strongroom_query.py" }

    /// The code a Spark JVM of this installation runs (the driver's side of the executors' grant).
    public var runtime: SparkRuntime { SparkRuntime.installation(sparkHome: sparkHome, javaHome: javaHome, extraJars: [kmsJar]) }

    /// Scripts on the driver's launch path, hashed into its job.
    public var launchScripts: [String] {
        [launcher] + ["spark-submit", "spark-class", "load-spark-env.sh", "find-spark-home"].map { sparkHome + "/bin/" + $0 }
    }

    /// The driver's job for `arguments` (spark-submit's), and the executors' job, from one hash of the runtime.
    public func jobs(arguments: [String]) throws -> (driver: JobManifest, executor: JobManifest) {
        let identity = try runtime.identity()
        let driver = try SparkDriverJob(runtime: identity, scripts: launchScripts, arguments: arguments).manifest()
        return (driver, SparkRuntime.executorManifest(identity: identity))
    }

    public static let kmsClientClass = "dev.strongroom.spark.CasKmsClient"
    public static let cryptoFactoryClass = "org.apache.parquet.crypto.keytools.PropertiesDrivenCryptoFactory"

    /// Finds everything or says what is missing and how to get it.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SparkInstallation {
        let binary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        guard let project = environment["STRONGROOM_SPARK_DIR"] ?? findUpwards(from: binary, containing: "spark/bin/attested-spark").map({ $0 + "/spark" }) else {
            throw SparkError(.installation, "cannot find the project's spark/ directory (launcher and runner): set STRONGROOM_SPARK_DIR")
        }
        let jar = environment["STRONGROOM_SPARK_KMS_JAR"]
            ?? findUpwards(from: binary, containing: ".build/spark-kms/strongroom-spark-kms.jar").map { $0 + "/.build/spark-kms/strongroom-spark-kms.jar" }
        guard let jar, FileManager.default.fileExists(atPath: jar) else {
            throw SparkError(.installation, "the Spark KMS client jar is missing: build it with `bash scripts/build-spark-kms.sh` (or set STRONGROOM_SPARK_KMS_JAR)")
        }
        let home = try environment["SPARK_HOME"] ?? pysparkHome(environment: environment)
        guard FileManager.default.isExecutableFile(atPath: home + "/bin/spark-submit") else {
            throw SparkError(.installation, "no bin/spark-submit in SPARK_HOME \(home)")
        }
        let java = try realJava(environment: environment)
        let javaHome = ((java as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        return SparkInstallation(sparkHome: home, projectDirectory: project, kmsJar: jar, strongroomBinary: binary,
                                 java: java, javaHome: javaHome)
    }

    /// The directory at or above `path`'s directory that holds `relative`.
    static func findUpwards(from path: String, containing relative: String) -> String? {
        var directory = (path as NSString).deletingLastPathComponent
        while directory.count > 1 {
            if FileManager.default.fileExists(atPath: directory + "/" + relative) { return directory }
            directory = (directory as NSString).deletingLastPathComponent
        }
        return nil
    }

    /// pip's pyspark is a complete SPARK_HOME.
    static func pysparkHome(environment: [String: String]) throws -> String {
        let python = environment["PYSPARK_PYTHON"] ?? "python3"
        let output = try capture([python, "-c", "import os, pyspark; print(os.path.dirname(pyspark.__file__))"], environment: environment)
        guard let home = output, !home.isEmpty else {
            throw SparkError(.installation, "no Spark found: set SPARK_HOME or `pip install pyspark` for \(python)")
        }
        return home
    }

    /// JAVA_HOME/bin/java, else java on PATH, symlinks resolved (Debian's /usr/bin/java is one).
    static func realJava(environment: [String: String]) throws -> String {
        var candidate: String?
        if let home = environment["JAVA_HOME"], FileManager.default.isExecutableFile(atPath: home + "/bin/java") {
            candidate = home + "/bin/java"
        } else {
            for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
                let path = String(directory) + "/java"
                if FileManager.default.isExecutableFile(atPath: path) { candidate = path; break }
            }
        }
        guard let candidate else { throw SparkError(.installation, "java not found (Spark needs Java 17): install openjdk-17-jdk-headless or set JAVA_HOME") }
        return URL(fileURLWithPath: candidate).resolvingSymlinksInPath().path
    }

    /// A command's stdout, trimmed; nil when it fails.
    static func capture(_ argv: [String], environment: [String: String]) throws -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
