import Foundation
import Policy

/// `POST /v1/policies`: the exact YAML bytes the owners signed and their signatures
/// (`Policy.SignedPolicySubmission`, whose signatures are `Policy.PolicySignature`).
public typealias PolicySubmission = SignedPolicySubmission

/// `POST /v1/policies` → 201.
public struct PolicyApplied: Sendable, Codable, Equatable {
    public var name: String
    public var version: Int
    /// Lowercase hex SHA-256 of the policy's YAML bytes.
    public var hash: String

    public init(name: String, version: Int, hash: String) {
        self.name = name
        self.version = version
        self.hash = hash
    }
}

/// `GET /v1/policies/{name}`: the latest version; secret values are always `"<redacted>"`.
public struct PolicyView: Sendable, Codable, Equatable {
    public var name: String
    public var version: Int
    public var hash: String
    public var policy: String
    public var secrets: [RedactedSecret]

    public init(name: String, version: Int, hash: String, policy: String, secrets: [RedactedSecret]) {
        self.name = name
        self.version = version
        self.hash = hash
        self.policy = policy
        self.secrets = secrets
    }
}

public struct RedactedSecret: Sendable, Codable, Equatable {
    public static let redacted = "<redacted>"
    public var name: String
    public var kind: String
    public var value: String

    public init(name: String, kind: String) {
        self.name = name
        self.kind = kind
        self.value = Self.redacted
    }
}

/// One entry of `GET /v1/policies/{name}/versions`.
public struct PolicyVersionInfo: Sendable, Codable, Equatable {
    public var version: Int
    public var hash: String
    public var previous: String?
    public var appliedAt: Date
    /// Key ids of the owners whose signatures were accepted.
    public var signers: [String]

    public init(version: Int, hash: String, previous: String?, appliedAt: Date, signers: [String]) {
        self.version = version
        self.hash = hash
        self.previous = previous
        self.appliedAt = appliedAt
        self.signers = signers
    }

    enum CodingKeys: String, CodingKey {
        case version, hash, previous, signers
        case appliedAt = "applied_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(Int.self, forKey: .version)
        hash = try c.decode(String.self, forKey: .hash)
        previous = try c.decodeIfPresent(String.self, forKey: .previous)
        appliedAt = try c.decodeTime(forKey: .appliedAt)
        signers = try c.decode([String].self, forKey: .signers)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(hash, forKey: .hash)
        try c.encodeIfPresent(previous, forKey: .previous)
        try c.encodeTime(appliedAt, forKey: .appliedAt)
        try c.encode(signers, forKey: .signers)
    }
}

/// An HPKE (RFC 9180) ciphertext `{enc, ciphertext}`: a given secret to CAS, the
/// configuration to a runtime. The type is CASCore's `ConfigEnvelope`.
public typealias HPKEEnvelope = ConfigEnvelope

/// `GET /v1/cas-key`: the CAS's HPKE public key that owners encrypt given secrets to.
public struct CASPublicKey: Sendable, Codable, Equatable {
    public static let suite = "DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM"
    /// The HPKE suite, always `suite`.
    public var suite: String
    /// P-256, X9.63 uncompressed (65 bytes).
    public var publicKey: [UInt8]

    public init(publicKey: [UInt8]) {
        self.suite = Self.suite
        self.publicKey = publicKey
    }

    enum CodingKeys: String, CodingKey {
        case suite
        case publicKey = "public_key"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        suite = try c.decode(String.self, forKey: .suite)
        publicKey = try c.decodeBase64(forKey: .publicKey)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(suite, forKey: .suite)
        try c.encodeBase64(publicKey, forKey: .publicKey)
    }
}
