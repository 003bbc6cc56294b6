import CASCore
import Crypto
import Foundation

/// The code a Spark JVM runs, as a job hash sees it: the JDK (bin/java, libjvm.so, the class
/// library image `lib/modules`) and every library on the class path (jars by file name and
/// content; pyspark's zips for Python applications). A driver computes it from its installation;
/// an executor from the command its worker launched; equal installations give equal values, so
/// the driver's grant names exactly the executor code it admits.
public struct SparkRuntime: Sendable, Equatable {
    public var javaHome: String
    /// Jar (and zip) files; directories on a class path contribute their jars and classes.
    public var libraries: [String]

    public init(javaHome: String, libraries: [String]) {
        self.javaHome = javaHome
        self.libraries = libraries
    }

    /// The driver's side: SPARK_HOME's jars and Python libraries plus `extraJars`.
    public static func installation(sparkHome: String, javaHome: String, extraJars: [String]) -> SparkRuntime {
        var libraries = files(in: sparkHome + "/jars", ending: ".jar") + files(in: sparkHome + "/python/lib", ending: ".zip")
        libraries += extraJars
        return SparkRuntime(javaHome: javaHome, libraries: libraries)
    }

    /// `{"jdk": hex, "libraries": hex}`: digests over the JDK files and over the sorted
    /// "file name:sha256" lines of the libraries.
    public func identity() throws(RuntimeError) -> JSONValue {
        var jdk = SHA256()
        for relative in ["bin/java", "lib/server/libjvm.so", "lib/modules"] {
            let path = javaHome + "/" + relative
            guard FileManager.default.fileExists(atPath: path) else {
                throw RuntimeError(.launch, "the JDK at \(javaHome) has no \(relative)")
            }
            jdk.update(data: Array("\(relative):\(try CodeFiles.sha256(path: path))\n".utf8))
        }
        var lines: [String] = []
        for library in Set(libraries) {
            lines.append(((library as NSString).lastPathComponent) + ":" + (try CodeFiles.sha256(path: library)))
        }
        let text = lines.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }).joined(separator: "\n")
        return .object(["jdk": .string(Hex.encode(jdk.finalize())), "libraries": .string(Hex.encode(SHA256.hash(data: Array(text.utf8))))])
    }

    /// The executors' job: only the runtime (per-executor arguments differ and are checked instead).
    public static func executorManifest(identity: JSONValue) -> JobManifest {
        JobManifest(kind: .sparkExecutor, fields: ["runtime": identity])
    }

    public static func files(in directory: String, ending suffix: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { directory + "/" + $0 }
    }
}

/// A Spark driver's job (`strongroom spark submit`, `query --engine spark`): the Spark runtime,
/// the launch scripts, the application's files (every argument naming a code file) and the
/// spark-submit arguments.
public struct SparkDriverJob: Sendable {
    /// `SparkRuntime.identity()` of the installation (computed once: it hashes every jar).
    public var runtime: JSONValue
    /// Shell scripts on the launch path (the launcher, spark-submit, spark-class, load-spark-env.sh).
    public var scripts: [String]
    public var arguments: [String]

    public init(runtime: JSONValue, scripts: [String], arguments: [String]) {
        self.runtime = runtime
        self.scripts = scripts
        self.arguments = arguments
    }

    public func manifest() throws(RuntimeError) -> JobManifest {
        var code: [JSONValue] = []
        for path in CodeFiles.named(in: arguments) { code += try CodeFiles.entries(for: path) }
        var scriptEntries: [JSONValue] = []
        for script in scripts where FileManager.default.fileExists(atPath: script) {
            scriptEntries.append(CodeFiles.entry((script as NSString).lastPathComponent, try CodeFiles.sha256(path: script)))
        }
        return JobManifest(kind: .spark, fields: [
            "runtime": runtime, "scripts": .array(scriptEntries), "code": .array(code),
            "arguments": .array(arguments.map { .string($0) }),
        ])
    }
}

/// The command a standalone worker starts for an executor, checked before it is attested: the
/// executor main class, a class path, and no JVM option that loads other code (agents, boot
/// class path, error hooks running commands, argument files).
public struct SparkExecutorCommand: Sendable {
    public static let mainClasses: Set<String> = [
        "org.apache.spark.executor.CoarseGrainedExecutorBackend",
        "org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend",
    ]
    /// JVM options a Spark worker passes (heap and stack sizes, system properties, GC and memory
    /// flags, module opens); anything else — agents, boot or module paths, class-data archives,
    /// option files, error hooks, native libraries, another class path — is refused. An allow-list:
    /// a deny-list always misses a form (`--class-path=…`, `-Djava.class.path`, `-Xrun…`).
    static let allowedPrefixes = ["-Xmx", "-Xms", "-Xss", "-Xlog:", "-verbose:", "--add-opens", "--add-exports", "--add-reads", "--add-modules=",
                                  "--enable-native-access=ALL-UNNAMED", "--illegal-access="]
    static let allowedFlags: Set<String> = ["-server", "-ea", "-da", "-esa", "-dsa", "-Xshare:off", "-Xshare:auto"]
    /// `-XX:Name=value` settings that only tune memory, GC and diagnostics output.
    static let allowedSettings: Set<String> = [
        "MaxMetaspaceSize", "MetaspaceSize", "MaxDirectMemorySize", "ReservedCodeCacheSize", "ParallelGCThreads",
        "ConcGCThreads", "MaxGCPauseMillis", "InitiatingHeapOccupancyPercent", "G1HeapRegionSize", "MaxRAMPercentage",
        "InitialRAMPercentage", "MinRAMPercentage", "ActiveProcessorCount", "HeapDumpPath", "ErrorFile", "NewRatio",
        "SurvivorRatio", "MaxTenuringThreshold", "G1ReservePercent", "CICompilerCount",
    ]
    /// `-XX:+Name` / `-XX:-Name` booleans that would load code.
    static let refusedBooleans: Set<String> = ["EnableDynamicAgentLoading", "AutoCreateSharedArchive", "UseAppCDS"]
    /// System properties under java., sun., jdk., javax. and com.sun. change how the JVM loads code
    /// (class path, library path, class loaders, security); these few do not.
    static let allowedPlatformProperties: Set<String> = [
        "java.net.preferIPv6Addresses", "java.net.preferIPv4Stack", "java.io.tmpdir", "java.awt.headless",
        "jdk.reflect.useDirectMethodHandle", "sun.nio.ch.disableSystemWideOverlappingFileLockCheck", "file.encoding",
        "java.security.egd",
    ]

    static func isAllowed(_ option: String) -> Bool {
        if allowedFlags.contains(option) || allowedPrefixes.contains(where: { option.hasPrefix($0) }) { return true }
        if option.hasPrefix("-D") {
            let name = String(option.dropFirst(2).prefix(while: { $0 != "=" }))
            guard !name.isEmpty else { return false }
            let platform = ["java.", "sun.", "jdk.", "javax.", "com.sun."].contains { name.hasPrefix($0) }
            return !platform || allowedPlatformProperties.contains(name)
        }
        if option.hasPrefix("-XX:+") || option.hasPrefix("-XX:-") {
            let name = String(option.dropFirst(5))
            return !name.isEmpty && !name.contains("=") && !refusedBooleans.contains(name)
        }
        if option.hasPrefix("-XX:"), let eq = option.firstIndex(of: "=") {
            return allowedSettings.contains(String(option[option.index(option.startIndex, offsetBy: 4)..<eq]))
        }
        return false
    }

    public var java: String
    public var classPath: [String]

    /// Parses `java [options] MAIN [args]` as a worker starts it; refuses anything else.
    public init(argv: [String]) throws(RuntimeError) {
        guard let java = argv.first else { throw RuntimeError(.launch, "no executor command") }
        var classPath: String?
        var index = 1
        var main: String?
        while index < argv.count {
            let argument = argv[index]
            if argument == "-cp" || argument == "-classpath" || argument == "--class-path" {
                guard classPath == nil else { throw RuntimeError(.launch, "the executor command gives its class path twice") }
                guard index + 1 < argv.count else { throw RuntimeError(.launch, "\(argument) without a class path") }
                classPath = argv[index + 1]
                index += 2
                continue
            }
            if ["--add-opens", "--add-exports", "--add-reads", "--add-modules"].contains(argument) {
                index += 2  // the two-word form: the next word is its value
                continue
            }
            if argument.hasPrefix("-") || argument.hasPrefix("@") {
                guard Self.isAllowed(argument) else {
                    throw RuntimeError(.launch, "the executor command has the JVM option \(argument.prefix(60)), which a Spark worker does not pass and which could load code the job hash does not cover")
                }
                index += 1
                continue
            }
            main = argument
            break
        }
        guard let main, Self.mainClasses.contains(main) else {
            throw RuntimeError(.launch, "not a Spark executor launch (main class \(main ?? "none"), expected \(Self.mainClasses.sorted().joined(separator: ", ")))")
        }
        guard let classPath else { throw RuntimeError(.launch, "the executor command has no class path") }
        self.java = java
        self.classPath = Self.expand(classPath)
    }

    /// Class path entries as files: `dir/*` → its jars, a directory → its jars and class files.
    static func expand(_ classPath: String) -> [String] {
        var out: [String] = []
        for entry in classPath.split(separator: ":").map(String.init) where !entry.isEmpty {
            if entry.hasSuffix("/*") {
                out += SparkRuntime.files(in: String(entry.dropLast(2)), ending: ".jar")
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: entry, isDirectory: &isDirectory) else { continue }
            if !isDirectory.boolValue { out.append(entry); continue }
            guard let walker = FileManager.default.enumerator(atPath: entry) else { continue }
            for case let relative as String in walker where relative.hasSuffix(".jar") || relative.hasSuffix(".class") {
                out.append(entry + "/" + relative)
            }
        }
        return out
    }

    /// The runtime this command runs: its JDK (the java binary's home) and class path.
    public func runtime(pythonLibraries: [String]) -> SparkRuntime {
        let real = URL(fileURLWithPath: java).resolvingSymlinksInPath().path
        let home = ((real as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        return SparkRuntime(javaHome: home, libraries: classPath + pythonLibraries)
    }
}

/// The environment a Spark JVM (driver or executor) starts with: the caller's, without the
/// variables that would load code the job hash does not cover into the JVM or its Python workers.
public enum SparkEnvironment {
    public static let codeLoadingVariables: Set<String> = [
        "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME",
        "PYTHONINSPECT", "BASH_ENV", "ENV", "PERL5OPT", "RUBYOPT", "NODE_OPTIONS",
    ]

    public static func filtered(_ environment: [String: String]) -> [String: String] {
        environment.filter { !codeLoadingVariables.contains($0.key) && !$0.key.hasPrefix("LD_") }
    }
}
