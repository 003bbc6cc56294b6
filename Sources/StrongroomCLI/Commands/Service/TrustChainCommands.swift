import ArgumentParser
import CASClient
import CASCore
import Foundation
import Policy
import Runtime

/// `strongroom policy revoke-tokens --policy P [--token-id JTI]`: an owner revokes one token, or
/// every token of the policy issued until now (helpers' tokens go with their job's).
struct PolicyRevokeTokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke-tokens",
        abstract: "Revoke a policy's attestation tokens at once: one (--token-id, the jti in the audit log) or all issued until now.")

    @OptionGroup var connection: CASConnectionOptions

    @Option(help: "An owner identity file.")
    var identity: String

    @Option(help: "The policy.")
    var policy: String

    @Option(name: .customLong("token-id"), help: "The token to revoke (32 hex, `token_id` in attest.allowed audit entries); default: all.")
    var tokenID: String?

    func run() async throws {
        let owner = try OwnerIdentity.read(from: identity)
        let revoked = try await connection.client().using { client in
            try await client.revokeTokens(policy: policy, TokenRevocation(tokenID: tokenID), as: owner)
        }
        if let id = revoked.tokenID {
            print("revoked token \(id) of policy \(revoked.policy)")
        } else {
            print("revoked every token of policy \(revoked.policy) issued before \(revoked.notBefore.map { AuditChain.timestamp($0) } ?? "now")")
        }
    }
}

/// `strongroom cas add-auditor --name N --public-key ed25519:…` (administrator): someone who may read
/// the whole audit chain. Owners and a policy's own auditors read only that policy's entries.
struct CasAddAuditorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-auditor",
        abstract: "Register an auditor of the whole audit log (administrator only).")

    @OptionGroup var connection: CASConnectionOptions

    @Option(help: "The administrator identity file.")
    var identity: String

    @Option(help: "The auditor's name.")
    var name: String

    @Option(name: .customLong("public-key"), help: "The auditor's public key (ed25519:…, from `strongroom identity create`).")
    var publicKey: String

    func run() async throws {
        let admin = try OwnerIdentity.read(from: identity)
        let registered = try await connection.client().using { client in
            try await client.registerAuditor(AuditorRegistration(name: name, publicKey: publicKey), as: admin)
        }
        print("auditor \(registered.name) registered")
    }
}

struct CodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "code",
        abstract: "Ship analytics code encrypted: sealed bundles that only attested jobs unpack.",
        subcommands: [CodeSealCommand.self])
}

/// `strongroom code seal --input DIR --output FILE --policy P --master-key K --cas … --identity OWNER`.
struct CodeSealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "Encrypt a directory of code into a bundle whose key a policy's master key wraps in CAS.",
        discussion: """
        `strongroom run --code-bundle FILE -- CMD` hashes the bundle into the job, and only after CAS \
        accepts the evidence unwraps its key (the service must list the master key under unwrap) and \
        unpacks the code into the private directory, where CMD runs.
        """)

    @Option(help: "The directory to seal.")
    var input: String

    @Option(help: "The bundle file to write.")
    var output: String

    @OptionGroup var connection: CASConnectionOptions

    @Option(help: "An owner identity file (signs the wrap request).")
    var identity: String

    @Option(help: "The policy whose master key wraps the bundle key.")
    var policy: String

    @Option(name: .customLong("master-key"), help: "The master key id.")
    var masterKey: String

    func run() async throws {
        let owner = try OwnerIdentity.read(from: identity)
        let client = try connection.client()
        let kms = CASKMSClient(client: client, credential: .owner(owner), policy: policy)
        let (input, policy, masterKey) = (self.input, self.policy, self.masterKey)
        let bytes: [UInt8]
        do {
            bytes = try await CodeBundle.seal(directory: input, policy: policy, masterKeyID: masterKey, kms: kms)
            try? await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
        print("sealed \(input) into \(output) (\(bytes.count) bytes) for policy \(policy), master key \(masterKey)")
    }
}
