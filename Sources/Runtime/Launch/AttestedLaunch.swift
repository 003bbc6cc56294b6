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

    public init(command: [String], configuration: ServiceConfiguration,
                baseEnvironment: [String: String] = ProcessInfo.processInfo.environment) {
        self.command = command
        self.configuration = configuration
        self.baseEnvironment = baseEnvironment
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
        let process = WorkloadProcess(
            command: executable, arguments: Array(command.dropFirst()) + configuration.arguments, environment: environment)
        return try process.run()
    }
}
