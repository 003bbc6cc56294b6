import Crypto
import Foundation
import Support

/// An owner's (or auditor's, or the CAS admin's) signing identity. The file form is JSON,
/// `{"name": …, "private_key": "<base64 32 bytes>", "public_key": "ed25519:…"}`, written 0600.
public struct OwnerIdentity: Sendable {
    public let name: String
    private let key: Curve25519.Signing.PrivateKey

    public init(name: String) {
        self.name = name
        self.key = Curve25519.Signing.PrivateKey()
    }

    public init(name: String, privateKeyRaw: [UInt8]) throws(IdentityError) {
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: privateKeyRaw) else {
            throw IdentityError(.malformedKey, "identity \(name): private key must be 32 bytes of Ed25519 seed")
        }
        self.name = name
        self.key = key
    }

    public var publicKey: OwnerPublicKey {
        // A Curve25519 public key is always 32 valid bytes.
        try! OwnerPublicKey(raw: [UInt8](key.publicKey.rawRepresentation))
    }

    public func sign(_ message: [UInt8]) -> [UInt8] {
        // Signing with a valid private key does not fail in swift-crypto's implementation.
        [UInt8](try! key.signature(for: message))
    }

    struct FileForm: Codable {
        var name: String
        var private_key: String
        var public_key: String
    }

    public func fileContents() -> Data {
        let form = FileForm(
            name: name, private_key: Data(key.rawRepresentation).base64EncodedString(), public_key: publicKey.text)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(form)) ?? Data()
    }

    /// Writes the identity with mode 0600 (created that way, never world-readable in between).
    public func write(to path: String) throws {
        var bytes = [UInt8](fileContents())
        do { try SecretFile.write(&bytes, to: path, existing: .replace) } catch {
            throw IdentityError(.identityFile, "cannot \(error.step) identity file \(path)")
        }
    }

    public static func read(from path: String) throws -> OwnerIdentity {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IdentityError(.identityFile, "cannot read identity file \(path)")
        }
        guard let form = try? JSONDecoder().decode(FileForm.self, from: data) else {
            throw IdentityError(.identityFile, "identity file \(path) is not a Strongroom identity (JSON with name, private_key)")
        }
        guard let raw = Data(base64Encoded: form.private_key) else {
            throw IdentityError(.identityFile, "identity file \(path): private_key is not base64")
        }
        return try OwnerIdentity(name: form.name, privateKeyRaw: [UInt8](raw))
    }
}
