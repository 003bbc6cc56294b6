import Crypto
import Foundation

/// A P-256 signing key for ES256 (JWT tokens and audit checkpoints). `kid` = first 16 hex
/// digits of SHA-256 of the raw (x ‖ y) public key. Sealed at rest through its raw form.
public struct ES256SigningKey: Sendable {
    private let privateKey: P256.Signing.PrivateKey

    public init() {
        privateKey = P256.Signing.PrivateKey()
    }

    /// From the 32-byte raw scalar (as stored sealed).
    public init(rawRepresentation: [UInt8]) throws(CASError) {
        guard let key = try? P256.Signing.PrivateKey(rawRepresentation: rawRepresentation) else {
            throw CASError(.corruptStore, "ES256 private key must be a 32-byte P-256 scalar")
        }
        privateKey = key
    }

    /// The private scalar, for sealing only.
    public var rawRepresentation: [UInt8] { [UInt8](privateKey.rawRepresentation) }

    public var publicKey: P256.Signing.PublicKey { privateKey.publicKey }
    public var kid: String { Self.kid(of: publicKey) }
    public var jwk: JWK { JWK(publicKey: publicKey) }

    public static func kid(of publicKey: P256.Signing.PublicKey) -> String {
        String(Hex.encode(SHA256.hash(data: publicKey.rawRepresentation)).prefix(16))
    }

    /// ECDSA P-256 over SHA-256 of `message`, as JOSE's raw r ‖ s (64 bytes).
    public func sign(_ message: [UInt8]) throws(CASError) -> [UInt8] {
        do {
            return [UInt8](try privateKey.signature(for: message).rawRepresentation)
        } catch {
            throw CASError(.internalFailure, "ES256 signing failed", cause: error)
        }
    }
}
