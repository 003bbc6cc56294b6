import CASCore
import Foundation
import Support

/// `strongroom run`'s injection: the policy's files in a private directory, the policy's
/// environment over the base one (plus `STRONGROOM_PRIVATE_DIR`), the policy's arguments after
/// the command's own, the code bundle unpacked; then the workload runs and the directory is
/// removed (by this process, or its guardian if this process is killed).
public struct AttestedLaunch: Sendable {
    public static let privateDirectoryVariable = "STRONGROOM_PRIVATE_DIR"
    /// Where an unpacked code bundle is (also the command's working directory).
    public static let codeDirectoryVariable = "STRONGROOM_CODE_DIR"

    public var command: [String]
    /// The absolute program to start (the one the job hash covers); nil: resolved on PATH.
    public var executable: String?
    public var configuration: ServiceConfiguration
    public var baseEnvironment: [String: String]
    /// When set, the child gets a KMS proxy socket in its private directory
    /// (`STRONGROOM_KMS_SOCKET`), served by this process for as long as the child runs.
    public var kmsProxy: KMSProxyGrant?
    /// Unpacked into `code/` of the private directory before the command starts.
    public var codeBundle: CodeBundleSource?
    /// Wipes the private directory if this process dies before it does.
    public var guardian: PrivateDirectoryGuardian?
    /// When set, receives the child's stderr line by line (the lines are also copied to ours).
    public var stderrObserver: (@Sendable (String) -> Void)?

    /// `STRONGROOM_RESULTS_MASTER_KEY`: the policy's `results.master_key`, for writers in the child.
    public static let resultsMasterKeyVariable = "STRONGROOM_RESULTS_MASTER_KEY"

    public init(command: [String], configuration: ServiceConfiguration,
                baseEnvironment: [String: String] = ProcessInfo.processInfo.environment,
                kmsProxy: KMSProxyGrant? = nil) {
        self.command = command
        self.configuration = configuration
        self.baseEnvironment = baseEnvironment
        self.kmsProxy = kmsProxy
    }

    /// Writes the files, runs the command, removes the directory (also when the launch fails);
    /// returns the child's exit status.
    public func run() async throws -> Int32 {
        guard let name = command.first else { throw RuntimeError(.launch, "no command to run") }
        PrivateDirectory.sweepStale()
        let directory = try PrivateDirectory(guardian: guardian)
        defer { directory.remove() }
        for (path, contents) in configuration.files.sorted(by: { $0.key < $1.key }) {
            try directory.write(relativePath: path, contents: contents)
        }
        var environment = baseEnvironment
        for (name, value) in configuration.environment { environment[name] = value }
        environment[Self.privateDirectoryVariable] = directory.path
        if let masterKey = configuration.results?.masterKey { environment[Self.resultsMasterKeyVariable] = masterKey }
        var workingDirectory: String?
        if let codeBundle {
            let code = directory.path + "/code"
            guard mkdir(code, 0o700) == 0 else { throw RuntimeError(.privateDirectory, "cannot create the code directory") }
            _ = try await codeBundle.bundle.unpack(into: code, kms: codeBundle.kms)
            environment[Self.codeDirectoryVariable] = code
            workingDirectory = code
        }
        let proxy = try kmsProxy.map { grant throws(RuntimeError) in
            try KMSProxyServer(socketPath: directory.path + "/" + KMSProxyServer.socketName, grant: grant)
        }
        if let proxy { environment[KMSProxyServer.socketVariable] = proxy.socketPath }
        var process = WorkloadProcess(command: name, arguments: Array(command.dropFirst()) + configuration.arguments, environment: environment)
        process.executable = executable
        process.workingDirectory = workingDirectory
        process.stderrObserver = stderrObserver
        guard let proxy else { return try await process.run() }
        process.onStart = { proxy.serveWorkload(pid: $0) }
        // The proxy serves for exactly as long as the workload runs; requests in progress when it
        // ends are still answered before the private directory goes.
        let shutdown = ShutdownSignal()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask(executorPreference: ServiceThread.shared) { await proxy.serve(until: shutdown) }
            defer { shutdown.trigger() }
            return try await process.run()
        }
    }
}
