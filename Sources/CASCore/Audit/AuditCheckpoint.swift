import Crypto
import Foundation

/// A signed statement that the chain up to `seq` ends in `hash`: ES256 by the audit key over
/// "strongroom-audit-v1\n" + seq + "\n" + hash. Signature is JOSE raw r ‖ s, base64 in JSON.
public struct AuditCheckpoint: Sendable, Equatable, Codable {
    public var seq: Int64
    public var hash: String
    public var time: String
    public var kid: String
    public var signature: [UInt8]

    public init(seq: Int64, hash: String, time: String, kid: String, signature: [UInt8]) {
        self.seq = seq
        self.hash = hash
        self.time = time
        self.kid = kid
        self.signature = signature
    }

    public static func message(seq: Int64, hash: String) -> [UInt8] {
        Array("strongroom-audit-v1\n\(seq)\n\(hash)".utf8)
    }

    /// Signs the chain head `entry`.
    public static func sign(_ entry: AuditEntry, key: ES256SigningKey, time: Date) throws(CASError) -> AuditCheckpoint {
        AuditCheckpoint(seq: entry.seq, hash: entry.hash, time: AuditChain.timestamp(time), kid: key.kid,
                        signature: try key.sign(message(seq: entry.seq, hash: entry.hash)))
    }

    /// Checks the signature with the JWKS key named by `kid`.
    public func verifySignature(jwks: JWKS) throws(CASError) {
        guard let jwk = jwks.key(withID: kid) else {
            throw CASError(.auditChainBroken, "checkpoint at seq \(seq) is signed by unknown key \(kid.prefix(32))")
        }
        let publicKey = try jwk.publicKey()
        guard signature.count == 64,
              let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature),
              publicKey.isValidSignature(sig, for: Self.message(seq: seq, hash: hash)) else {
            throw CASError(.auditChainBroken, "checkpoint at seq \(seq) has a signature that does not verify")
        }
    }

    public var jsonValue: JSONValue {
        .object(["seq": .integer(seq), "hash": .string(hash), "time": .string(time), "kid": .string(kid),
                 "signature": .string(Base64Text.encode(signature))])
    }

    public init(json object: [String: JSONValue]) throws(CASError) {
        let known: Set<String> = ["seq", "hash", "time", "kid", "signature"]
        for key in object.keys where !known.contains(key) {
            throw CASError(.malformedRequest, "audit checkpoint has unknown field \"\(key.prefix(32))\"")
        }
        guard let seq = object["seq"]?.integerValue else { throw CASError(.malformedRequest, "audit checkpoint seq must be an integer") }
        guard let hash = object["hash"]?.stringValue, let time = object["time"]?.stringValue,
              let kid = object["kid"]?.stringValue, let sig = object["signature"]?.stringValue else {
            throw CASError(.malformedRequest, "audit checkpoint needs string fields hash, time, kid, signature")
        }
        self.init(seq: seq, hash: hash, time: time, kid: kid, signature: try Base64Text.decode(sig, field: "checkpoint signature"))
    }

    public init(from decoder: any Decoder) throws {
        guard let object = try JSONValue(from: decoder).objectValue else {
            throw CASError(.malformedRequest, "audit checkpoint must be a JSON object")
        }
        try self.init(json: object)
    }

    public func encode(to encoder: any Encoder) throws { try jsonValue.encode(to: encoder) }
}
