import CASCore
import Foundation

/// `strongroom run`'s injection: the policy's files in a private directory, the policy's
/// environment over the current one (plus `STRONGROOM_PRIVATE_DIR`), the policy's arguments
/// after the command's own; then the workload runs and the directory is removed.
public struct AttestedLaunch: Sendable {
    public static let privateDirectoryVariable = "STRONGROOM_PRIVATE_DIR"

    public var command: [String]
    public var configuration: ServiceConfiguration
    public var baseEnvironment: [String: String]
    /// When set, the child gets a KMS proxy socket in its private directory
    /// (`STRONGROOM_KMS_SOCKET`), served by this process for as long as the child runs.
    public var kmsProxy: KMSProxyGrant?
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
    public func run() throws(RuntimeError) -> Int32 {
        guard let executable = command.first else { throw RuntimeError(.launch, "no command to run") }
        let directory = try PrivateDirectory()
        defer { directory.remove() }
        for (path, contents) in configuration.files.sorted(by: { $0.key < $1.key }) {
            try directory.write(relativePath: path, contents: contents)
        }
        var environment = baseEnvironment
        for (name, value) in configuration.environment { environment[name] = value }
        environment[Self.privateDirectoryVariable] = directory.path
        if let masterKey = configuration.results?.masterKey { environment[Self.resultsMasterKeyVariable] = masterKey }
        var proxy: KMSProxyServer?
        if let kmsProxy {
            let server = try KMSProxyServer(socketPath: directory.path + "/" + KMSProxyServer.socketName, grant: kmsProxy)
            server.start()
            proxy = server
            environment[KMSProxyServer.socketVariable] = server.socketPath
        }
        defer { proxy?.stop() }
        var process = WorkloadProcess(
            command: executable, arguments: Array(command.dropFirst()) + configuration.arguments, environment: environment)
        process.stderrObserver = stderrObserver
        return try process.run()
    }
}
