import Foundation
import Testing

@testable import Runtime

/// The executor command a worker starts, checked before it may attest with its driver's grant.
@Suite struct SparkExecutorCommandTests {
    static func jars() throws -> String {
        let directory = NSTemporaryDirectory() + "/sr-spark-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/jars", withIntermediateDirectories: true)
        for name in ["spark-core.jar", "scala-library.jar"] {
            try Data("jar \(name)".utf8).write(to: URL(fileURLWithPath: directory + "/jars/" + name))
        }
        return directory
    }

    static func argv(_ home: String, options: [String] = [], main: String = "org.apache.spark.executor.CoarseGrainedExecutorBackend") -> [String] {
        ["/usr/bin/java", "-cp", "\(home)/conf/:\(home)/jars/*", "-Xmx1024M", "-Dspark.driver.port=4040"] + options
            + [main, "--driver-url", "spark://x", "--executor-id", "0", "--app-id", "app-1"]
    }

    @Test func aWorkerLaunchParsesAndItsClassPathIsTheJars() throws {
        let home = try Self.jars()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let command = try SparkExecutorCommand(argv: Self.argv(home))
        #expect(command.java == "/usr/bin/java")
        #expect(command.classPath.map { ($0 as NSString).lastPathComponent }.sorted() == ["scala-library.jar", "spark-core.jar"])
    }

    @Test(arguments: [
        ["-javaagent:/tmp/a.jar"], ["-agentpath:/tmp/a.so"], ["-Xbootclasspath/a:/tmp/x"], ["-XX:OnOutOfMemoryError=sh /tmp/x"],
        ["-XX:SharedArchiveFile=/tmp/a.jsa"], ["--module-path", "/tmp/m"], ["-p", "/tmp/m"], ["@/tmp/args"],
        ["-Djava.system.class.loader=Evil"], ["-XX:Flags=/tmp/flags"], ["--class-path=/tmp/evil"], ["-Djava.class.path=/tmp/evil"],
        ["-Dsun.boot.library.path=/tmp/evil", "-Xrunevil"], ["-Djava.library.path=/tmp/evil"], ["-XX:+EnableDynamicAgentLoading"],
        ["-cp", "/tmp/evil"],
    ])
    func optionsThatLoadOtherCodeAreRefused(_ options: [String]) throws {
        let home = try Self.jars()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let error = #expect(throws: RuntimeError.self) { _ = try SparkExecutorCommand(argv: Self.argv(home, options: options)) }
        #expect(error?.message.contains("job hash does not cover") == true || error?.message.contains("class path twice") == true,
                "\(error?.message ?? "")")
    }

    @Test func whatSparkWorkersPassIsAccepted() throws {
        let home = try Self.jars()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let options = ["-Xms512m", "-Djava.net.preferIPv6Addresses=false", "-XX:+IgnoreUnrecognizedVMOptions",
                       "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-modules=jdk.incubator.vector",
                       "-Dio.netty.tryReflectionSetAccessible=true", "-Dspark.authenticate=true", "-XX:MaxMetaspaceSize=256m"]
        _ = try SparkExecutorCommand(argv: Self.argv(home, options: options))
    }

    @Test func anythingButAnExecutorIsRefused() throws {
        let home = try Self.jars()
        defer { try? FileManager.default.removeItem(atPath: home) }
        for argv in [Self.argv(home, main: "org.example.Exfiltrate"), ["/bin/sh", "-c", "cat /secret"], ["/usr/bin/java", "-version"]] {
            #expect(throws: RuntimeError.self) { _ = try SparkExecutorCommand(argv: argv) }
        }
    }

    @Test func theExecutorsJobDependsOnItsJars() throws {
        let home = try Self.jars()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let javaHome = NSTemporaryDirectory() + "/sr-jdk-\(UUID().uuidString)"
        for path in ["bin/java", "lib/server/libjvm.so", "lib/modules"] {
            try FileManager.default.createDirectory(atPath: ((javaHome + "/" + path) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(path.utf8).write(to: URL(fileURLWithPath: javaHome + "/" + path))
        }
        defer { try? FileManager.default.removeItem(atPath: javaHome) }
        let runtime = SparkRuntime(javaHome: javaHome, libraries: SparkRuntime.files(in: home + "/jars", ending: ".jar"))
        let before = SparkRuntime.executorManifest(identity: try runtime.identity()).hash
        // The driver's view of the same installation gives the same job.
        let driverSide = SparkRuntime.installation(sparkHome: home, javaHome: javaHome, extraJars: [])
        #expect(SparkRuntime.executorManifest(identity: try driverSide.identity()).hash == before)
        try Data("patched".utf8).write(to: URL(fileURLWithPath: home + "/jars/spark-core.jar"))
        #expect(SparkRuntime.executorManifest(identity: try runtime.identity()).hash != before)
    }
}
