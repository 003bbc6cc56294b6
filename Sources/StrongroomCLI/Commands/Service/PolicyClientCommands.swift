import ArgumentParser
import CASClient
import CASCore
import Foundation
import Policy

struct PolicyApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply a policy version to CAS with owners' signatures (a new version needs approvals_required of the current owners).")

    @Argument(help: "The policy YAML file (its exact bytes are what owners sign).")
    var file: String

    @OptionGroup var connection: CASConnectionOptions

    @Option(help: "An owner identity to sign with (repeatable).")
    var identity: [String] = []

    @Option(help: "A signature file from `strongroom policy sign` (repeatable).")
    var signature: [String] = []

    func run() async throws {
        let version = try PolicyFile.read(file)
        var signatures = try identity.map { PolicySignature(signing: version, by: try OwnerIdentity.read(from: $0)) }
        for path in signature {
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read signature file \(path)") }
            do {
                signatures.append(try JSONDecoder().decode(PolicySignature.self, from: data))
            } catch {
                throw CLIError("\(path) is not a policy signature ({\"key_id\", \"signature\"})")
            }
        }
        if signatures.isEmpty { throw ValidationError("give --identity or --signature: CAS accepts only signed policies") }
        let applied = try await connection.client().using { client in
            try await client.applyPolicy(PolicySubmission(policy: version.text, signatures: signatures))
        }
        print("applied \(applied.name) version \(applied.version) sha256:\(applied.hash)")
    }
}

struct PolicyShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a policy's current version (owners only; secret values are never shown).")

    @Argument(help: "The policy name.")
    var name: String

    @OptionGroup var connection: CASConnectionOptions

    @Option(help: "An owner identity file.")
    var identity: String

    @Flag(help: "List every version instead.")
    var versions = false

    func run() async throws {
        let owner = try OwnerIdentity.read(from: identity)
        try await connection.client().using { client in
            if versions {
                for info in try await client.policyVersions(named: name, as: owner) {
                    print("version \(info.version) sha256:\(info.hash) previous:\(info.previous ?? "-") signers:\(info.signers.joined(separator: ","))")
                }
            } else {
                let view = try await client.policy(named: name, as: owner)
                print("# \(view.name) version \(view.version) sha256:\(view.hash)")
                print(view.policy, terminator: view.policy.hasSuffix("\n") ? "" : "\n")
                for secret in view.secrets { print("# secret \(secret.name) (\(secret.kind)): \(secret.value)") }
            }
        }
    }
}

struct PolicySecretCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put-secret",
        abstract: "Send the value of a `given` secret, HPKE-encrypted to CAS (owners only).")

    @Argument(help: "The policy name.")
    var policy: String

    @Argument(help: "The secret name.")
    var secret: String

    @OptionGroup var connection: CASConnectionOptions

    @Option(help: "An owner identity file.")
    var identity: String

    @Option(name: .customLong("value-file"), help: "File holding the value; standard input when omitted.")
    var valueFile: String?

    func run() async throws {
        let owner = try OwnerIdentity.read(from: identity)
        var value: [UInt8]
        if let valueFile {
            guard let data = FileManager.default.contents(atPath: valueFile) else { throw CLIError("cannot read \(valueFile)") }
            value = [UInt8](data)
        } else {
            value = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        }
        defer { for i in value.indices { value[i] = 0 } }
        try await connection.client().using { client in
            let casKey = try await client.casPublicKey()
            let envelope = try ConfigEnvelope.seal(value, to: casKey.publicKey, info: .givenSecret)
            try await client.storeSecret(policy: policy, secret: secret, envelope: envelope, as: owner)
        }
        print("secret \(secret) of \(policy) stored")
    }
}
