import Crypto
import Foundation
import Support

/// An owner's, auditor's or node's public key: Ed25519, written `ed25519:<base64 of 32 bytes>`.
/// The key id (first 16 hex characters of SHA-256 of the raw key) names it in signatures and headers.
public struct OwnerPublicKey: Sendable, Hashable, CustomStringConvertible {
    public let raw: [UInt8]

    public init(raw: [UInt8]) throws(IdentityError) {
        guard raw.count == 32, (try? Curve25519.Signing.PublicKey(rawRepresentation: raw)) != nil else {
            throw IdentityError(.malformedKey, "an Ed25519 public key has 32 bytes, got \(raw.count)")
        }
        self.raw = raw
    }

    public init(text: String) throws(IdentityError) {
        guard text.hasPrefix("ed25519:") else {
            throw IdentityError(.malformedKey, "public key must start with \"ed25519:\"")
        }
        guard let data = Data(base64Encoded: String(text.dropFirst("ed25519:".count))) else {
            throw IdentityError(.malformedKey, "public key is not valid base64 after \"ed25519:\"")
        }
        try self.init(raw: [UInt8](data))
    }

    public var text: String { "ed25519:" + Data(raw).base64EncodedString() }
    public var description: String { text }

    public var keyID: String {
        SHA256.hash(data: raw).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
        return key.isValidSignature(signature, for: message)
    }
}

/// Why an owner key or identity file cannot be used. Messages name the file, never key bytes.
public typealias IdentityError = CodedError<IdentityErrorCode>

public struct IdentityErrorCode: ErrorCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public static var descriptionShowsCode: Bool { false }

    /// A key that is not an Ed25519 key in Strongroom's text form.
    public static let malformedKey = Self("malformed_key")
    /// An identity file that cannot be read, written or decoded.
    public static let identityFile = Self("identity_file")
}
