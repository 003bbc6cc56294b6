import ArgumentParser
import Foundation
import Policy

struct IdentityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity",
        abstract: "Owner, auditor and administrator signing identities (Ed25519).",
        subcommands: [IdentityCreateCommand.self, IdentityShowCommand.self])
}

struct IdentityCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an identity file (mode 0600) and print its public key.")

    @Option(help: "The name policies and audit entries show for this identity.")
    var name: String

    @Option(help: "Where to write the identity file.")
    var out: String

    @Flag(help: "Replace an existing file.")
    var force = false

    func run() throws {
        if !force && FileManager.default.fileExists(atPath: out) {
            throw CLIError("\(out) exists; pass --force to replace it")
        }
        let identity = OwnerIdentity(name: name)
        try identity.write(to: out)
        print(identity.publicKey.text)
    }
}

struct IdentityShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print an identity's name, key id and public key (never the private key).")

    @Argument(help: "The identity file.")
    var file: String

    func run() throws {
        let identity = try OwnerIdentity.read(from: file)
        print("name: \(identity.name)\nkey_id: \(identity.publicKey.keyID)\npublic_key: \(identity.publicKey.text)")
    }
}
