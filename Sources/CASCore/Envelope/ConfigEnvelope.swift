import Crypto
import Foundation
import StrongroomCrypto

/// HPKE (RFC 9180) base mode, DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM, single shot,
/// empty AAD. CAS seals a service's configuration to the runtime's ephemeral key with info
/// "strongroom-config-v1"; owners seal given secrets to the CAS envelope key with info
/// "strongroom-secret-v1". Wire form `{"enc": b64, "ciphertext": b64}`.
public struct ConfigEnvelope: Codable, Sendable, Equatable {
    public var enc: [UInt8]
    public var ciphertext: [UInt8]

    public static let ciphersuite = HPKE.Ciphersuite.P256_SHA256_AES_GCM_256

    /// The HPKE `info` that separates the two uses.
    public struct Info: Sendable, Equatable {
        public let text: String
        public init(_ text: String) { self.text = text }
        public static let config = Info("strongroom-config-v1")
        public static let givenSecret = Info("strongroom-secret-v1")
    }

    public init(enc: [UInt8], ciphertext: [UInt8]) {
        self.enc = enc
        self.ciphertext = ciphertext
    }

    // MARK: Seal

    /// `recipientKey` is X9.63 uncompressed (65 bytes), as the runtime sends it.
    public static func seal(_ plaintext: [UInt8], to recipientKey: [UInt8], info: Info) throws(CASError) -> ConfigEnvelope {
        guard let key = try? P256.KeyAgreement.PublicKey(x963Representation: recipientKey) else {
            throw CASError(.malformedRequest, "runtime_public_key is not an uncompressed P-256 point (65 bytes)")
        }
        return try seal(plaintext, to: key, info: info)
    }

    public static func seal(_ plaintext: [UInt8], to recipientKey: P256.KeyAgreement.PublicKey, info: Info) throws(CASError) -> ConfigEnvelope {
        do {
            var sender = try HPKE.Sender(recipientKey: recipientKey, ciphersuite: ciphersuite, info: Data(info.text.utf8))
            let ciphertext = try sender.seal(plaintext)
            return ConfigEnvelope(enc: [UInt8](sender.encapsulatedKey), ciphertext: [UInt8](ciphertext))
        } catch {
            throw CASError(.internalFailure, "HPKE seal failed", cause: error)
        }
    }

    public static func seal(_ configuration: ServiceConfiguration, to recipientKey: [UInt8]) throws(CASError) -> ConfigEnvelope {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var json = try? [UInt8](encoder.encode(configuration)) else {
            throw CASError(.internalFailure, "configuration encoding failed")
        }
        defer { zeroize(&json) }
        return try seal(json, to: recipientKey, info: .config)
    }

    // MARK: Open

    public func open(with privateKey: P256.KeyAgreement.PrivateKey, info: Info) throws(CASError) -> [UInt8] {
        guard enc.count == 65 else {
            throw CASError(.malformedRequest, "envelope enc must be a 65-byte P-256 point, got \(enc.count) bytes")
        }
        do {
            var recipient = try HPKE.Recipient(privateKey: privateKey, ciphersuite: Self.ciphersuite,
                                               info: Data(info.text.utf8), encapsulatedKey: Data(enc))
            return [UInt8](try recipient.open(ciphertext))
        } catch {
            throw CASError(.decryptionFailed, "envelope does not open with this key (other recipient, other info, or changed bytes)")
        }
    }

    public func openConfiguration(with privateKey: P256.KeyAgreement.PrivateKey) throws(CASError) -> ServiceConfiguration {
        var json = try open(with: privateKey, info: .config)
        defer { zeroize(&json) }
        do {
            return try JSONDecoder().decode(ServiceConfiguration.self, from: Data(json))
        } catch {
            throw CASError(.malformedRequest, "configuration inside the envelope is not valid: \(Self.describe(error))")
        }
    }

    // MARK: JSON

    enum CodingKeys: String, CodingKey { case enc, ciphertext }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enc = try Base64Text.decode(c.decode(String.self, forKey: .enc), field: "enc")
        ciphertext = try Base64Text.decode(c.decode(String.self, forKey: .ciphertext), field: "ciphertext")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Base64Text.encode(enc), forKey: .enc)
        try c.encode(Base64Text.encode(ciphertext), forKey: .ciphertext)
    }

    /// Where decoding failed (coding path), never the values.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let e as CASError: return e.message
        case DecodingError.keyNotFound(let key, let ctx): return "missing \(path(ctx.codingPath + [key]))"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            return "wrong type at \(path(ctx.codingPath))"
        case DecodingError.dataCorrupted(let ctx): return "malformed at \(path(ctx.codingPath))"
        default: return "not JSON"
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

