import ArgumentParser
import Foundation
import Policy

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Check, sign, apply and show owner-signed policies.",
        subcommands: [PolicyCheckCommand.self, PolicySignCommand.self, PolicyApplyCommand.self, PolicyShowCommand.self, PolicySecretCommand.self, PolicyRevokeTokensCommand.self])
}

enum PolicyFile {
    /// The exact bytes owners sign: the file as it is on disk.
    static func read(_ path: String) throws -> PolicyVersion {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read policy file \(path)") }
        do {
            return try PolicyVersion(yaml: [UInt8](data))
        } catch {
            throw CLIError("\(path): \(error.message)")
        }
    }
}

struct PolicyCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse and validate a policy file; print its name, version and hash.")

    @Argument(help: "The policy YAML file.")
    var file: String

    func run() throws {
        let version = try PolicyFile.read(file)
        print("\(version.name) version \(version.version) sha256:\(version.hash)")
    }
}

struct PolicySignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a policy version with an owner identity; prints the signature as JSON ({key_id, signature}).")

    @Argument(help: "The policy YAML file.")
    var file: String

    @Option(help: "The owner's identity file.")
    var identity: String

    @Option(help: "Write the signature here instead of standard output.")
    var out: String?

    func run() throws {
        let version = try PolicyFile.read(file)
        let owner = try OwnerIdentity.read(from: identity)
        let signature = PolicySignature(signing: version, by: owner)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(signature), as: UTF8.self) + "\n"
        if let out {
            try Data(json.utf8).write(to: URL(fileURLWithPath: out))
        } else {
            print(json, terminator: "")
        }
    }
}
