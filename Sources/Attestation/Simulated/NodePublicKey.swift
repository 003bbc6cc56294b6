import Crypto
import Foundation
import Support

/// A node agent's Ed25519 public key, written `ed25519:<base64 of 32 bytes>` (the same text
/// form as owner keys). Its id is the full hex SHA-256 of the raw key: the value a
/// `SimulatedReport` carries in `node_key_id`.
public struct NodePublicKey: Sendable, Hashable, CustomStringConvertible {
    public let raw: [UInt8]

    public init(raw: [UInt8]) throws(NodeKeyError) {
        guard raw.count == 32, (try? Curve25519.Signing.PublicKey(rawRepresentation: raw)) != nil else {
            throw NodeKeyError(.malformedKey, "an Ed25519 node public key has 32 bytes, got \(raw.count)")
        }
        self.raw = raw
    }

    public init(text: String) throws(NodeKeyError) {
        guard text.hasPrefix("ed25519:") else {
            throw NodeKeyError(.malformedKey, "node public key must start with \"ed25519:\"")
        }
        guard let data = Data(base64Encoded: String(text.dropFirst("ed25519:".count))) else {
            throw NodeKeyError(.malformedKey, "node public key is not valid base64 after \"ed25519:\"")
        }
        try self.init(raw: [UInt8](data))
    }

    public var text: String { "ed25519:" + Data(raw).base64EncodedString() }
    public var description: String { text }

    /// SHA-256 of the raw key, 32 bytes.
    public var keyIDBytes: [UInt8] { Array(SHA256.hash(data: raw)) }
    /// Lowercase hex of `keyIDBytes` (64 characters).
    public var keyID: String { LowercaseHex.encode(keyIDBytes) }

    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
        return key.isValidSignature(signature, for: message)
    }
}

/// Why a node key could not be read, written or used. Messages name the file, never key bytes.
public typealias NodeKeyError = CodedError<NodeKeyErrorCode>

public struct NodeKeyErrorCode: ErrorCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let malformedKey = Self("malformed_key")
    public static let unreadable = Self("unreadable")
    public static let unwritable = Self("unwritable")
    public static let insecurePermissions = Self("insecure_permissions")
    public static let invalidReport = Self("invalid_report")
}
