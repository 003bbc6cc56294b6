import Attestation
import Crypto
import Foundation
import Support

/// One policy version: the exact YAML bytes its owners signed, their SHA-256 and the parsed
/// document. The bytes, not a re-serialisation, are what is stored, hashed and signed.
public struct PolicyVersion: Sendable, Equatable {
    /// Largest policy accepted (policies are reviewed by people; this bounds parsing work).
    public static let maxByteCount = 1 << 20

    public let bytes: [UInt8]
    /// Lowercase hex SHA-256 of `bytes`.
    public let hash: String
    public let document: PolicyDocument

    public init(yaml bytes: [UInt8]) throws(PolicyError) {
        guard bytes.count <= Self.maxByteCount else {
            throw PolicyError(.syntax, path: "", line: nil, "the policy is \(bytes.count) bytes; the limit is \(Self.maxByteCount)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PolicyError(.syntax, path: "", line: nil, "the policy is not valid UTF-8")
        }
        self.bytes = bytes
        self.hash = LowercaseHex.encode(SHA256.hash(data: bytes))
        self.document = try PolicyDocument.parse(yaml: text)
    }

    public init(yaml text: String) throws(PolicyError) {
        try self.init(yaml: Array(text.utf8))
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }
    public var name: String { document.name }
    public var version: Int { document.version }

    /// What owners sign: `"strongroom-policy-v1\n" + hex(sha256(yaml))`.
    public var signingMessage: [UInt8] { Self.signingMessage(hash: hash) }

    public static func signingMessage(hash: String) -> [UInt8] {
        Array("strongroom-policy-v1\n\(hash)".utf8)
    }
}
