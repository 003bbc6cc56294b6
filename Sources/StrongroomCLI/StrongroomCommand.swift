import ArgumentParser
import Foundation

public struct StrongroomCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "strongroom",
        abstract: "Confidential analytics over encrypted Parquet.",
        subcommands: [ParquetCommand.self, QueryCommand.self, IdentityCommand.self, PolicyCommand.self,
                      AgentCommand.self, CasCommand.self, RunCommand.self, DataCommand.self, AuditCommand.self, DemoCommand.self, SQLCommand.self,
                      K8sCommand.self, SparkCommand.self, CodeCommand.self])

    public init() {}
}

/// Runs the CLI with the exit-code contract: 0 success, 2 usage error, 1 any other failure
/// (with one line on stderr).
public enum StrongroomMain {
    /// `root` is `strongroom`'s command tree, or another tool's (`strongroom-bench`) that keeps
    /// the same contract.
    public static func run(
        _ root: any ParsableCommand.Type = StrongroomCommand.self,
        _ arguments: [String] = Array(CommandLine.arguments.dropFirst())
    ) async -> Never {
        MemoryTuning.keepFreedMemory()
        var command: any ParsableCommand
        do {
            command = try root.parseAsRoot(arguments)
        } catch {
            let code = root.exitCode(for: error)
            if code == .success {
                print(root.fullMessage(for: error))
                exit(0)
            }
            FileHandle.standardError.write(Data((root.fullMessage(for: error) + "\n").utf8))
            exit(2)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch {
            // ArgumentParser reports help and usage problems as errors too.
            let code = root.exitCode(for: error)
            if code == .success {
                print(root.fullMessage(for: error))
                exit(0)
            }
            if code == .validationFailure {
                StandardError.write(root.fullMessage(for: error) + "\n")
                exit(2)
            }
            if let exitCode = error as? ExitCode { exit(exitCode.rawValue) }
            StandardError.write("error: \(ErrorText.oneLine(error))\n")
            exit(1)
        }
    }
}

enum ErrorText {
    static func oneLine(_ error: any Error) -> String {
        String(describing: error).replacingOccurrences(of: "\n", with: " ")
    }
}

/// Errors of the CLI layer (bad option values found after parsing, output failures).
package struct CLIError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

#if canImport(Glibc)
import Glibc
#endif

enum MemoryTuning {
    /// Column buffers of a row group are tens of MB; glibc would hand each one back to the
    /// kernel on free and fault it in again for the next row group. Keeping freed memory in
    /// the heap removes that page-fault traffic (measured: about a third of scan time).
    static func keepFreedMemory() {
        #if os(Linux)
        _ = glibcMallopt(-3, 512 << 20)  // M_MMAP_THRESHOLD
        _ = glibcMallopt(-1, 1 << 30)    // M_TRIM_THRESHOLD
        #endif
    }
}

#if os(Linux)
/// glibc's mallopt (malloc.h is not part of the Glibc module map).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
