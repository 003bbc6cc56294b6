import Attestation
import Foundation

/// `POST /v1/attest/challenge` takes an empty object.
public struct ChallengeRequest: Sendable, Codable, Equatable {
    public init() {}
}

/// A single-use nonce, valid until `expiresAt` (60 s).
public struct ChallengeResponse: Sendable, Codable, Equatable {
    public static let nonceSize = 32
    public var nonce: [UInt8]
    public var expiresAt: Date

    public init(nonce: [UInt8], expiresAt: Date) {
        self.nonce = nonce
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case nonce
        case expiresAt = "expires_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nonce = try c.decodeBase64(forKey: .nonce)
        expiresAt = try c.decodeTime(forKey: .expiresAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeBase64(nonce, forKey: .nonce)
        try c.encodeTime(expiresAt, forKey: .expiresAt)
    }
}

/// `POST /v1/attest`. The evidence's report data must equal
/// `ReportDataBinding.reportData(nonce, runtimePublicKey ‖ runtimeSigningKey, jobHash)`.
public struct AttestRequest: Sendable, Codable, Equatable {
    public static let runtimePublicKeySize = 65
    public static let jobHashSize = 32

    public var policy: String
    public var service: String
    public var nonce: [UInt8]
    public var evidence: Evidence
    /// P-256 key agreement key, X9.63 uncompressed (65 bytes), ephemeral: the configuration is sealed to it.
    public var runtimePublicKey: [UInt8]
    /// P-256 signing key, X9.63 (65 bytes), ephemeral: every request with the token is signed by it.
    public var runtimeSigningKey: [UInt8]
    /// SHA-256 of the job (`JobHash`), or `ReportDataBinding.noJobHash`.
    public var jobHash: [UInt8]
    /// A helper's grant (`srg1.…`) from the attested job it helps.
    public var grant: String?

    public init(
        policy: String, service: String, nonce: [UInt8], evidence: Evidence, runtimePublicKey: [UInt8],
        runtimeSigningKey: [UInt8], jobHash: [UInt8] = ReportDataBinding.noJobHash, grant: String? = nil
    ) {
        self.policy = policy
        self.service = service
        self.nonce = nonce
        self.evidence = evidence
        self.runtimePublicKey = runtimePublicKey
        self.runtimeSigningKey = runtimeSigningKey
        self.jobHash = jobHash
        self.grant = grant
    }

    /// The runtime keys as the report data binds them: key agreement key ‖ signing key.
    public var boundKeys: [UInt8] { runtimePublicKey + runtimeSigningKey }

    enum CodingKeys: String, CodingKey {
        case policy, service, nonce, evidence, grant
        case runtimePublicKey = "runtime_public_key"
        case runtimeSigningKey = "runtime_signing_key"
        case jobHash = "job_hash"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        policy = try c.decode(String.self, forKey: .policy)
        service = try c.decode(String.self, forKey: .service)
        nonce = try c.decodeBase64(forKey: .nonce)
        evidence = try c.decode(Evidence.self, forKey: .evidence)
        runtimePublicKey = try c.decodeBase64(forKey: .runtimePublicKey)
        guard runtimePublicKey.count == Self.runtimePublicKeySize else {
            throw DecodingError.dataCorruptedError(
                forKey: .runtimePublicKey, in: c,
                debugDescription: "expected a P-256 X9.63 public key of 65 bytes, got \(runtimePublicKey.count)")
        }
        runtimeSigningKey = try c.decodeBase64(forKey: .runtimeSigningKey)
        guard runtimeSigningKey.count == Self.runtimePublicKeySize else {
            throw DecodingError.dataCorruptedError(
                forKey: .runtimeSigningKey, in: c,
                debugDescription: "expected a P-256 X9.63 public key of 65 bytes, got \(runtimeSigningKey.count)")
        }
        jobHash = try c.decodeHex(forKey: .jobHash, count: Self.jobHashSize)
        grant = try c.decodeIfPresent(String.self, forKey: .grant)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(policy, forKey: .policy)
        try c.encode(service, forKey: .service)
        try c.encodeBase64(nonce, forKey: .nonce)
        try c.encode(evidence, forKey: .evidence)
        try c.encodeBase64(runtimePublicKey, forKey: .runtimePublicKey)
        try c.encodeBase64(runtimeSigningKey, forKey: .runtimeSigningKey)
        try c.encode(HexField.encode(jobHash), forKey: .jobHash)
        try c.encodeIfPresent(grant, forKey: .grant)
    }
}

/// A successful attestation: the token (JWT ES256, ≤ 1 h) and the service's configuration
/// encrypted to the runtime key (HPKE, info `"strongroom-config-v1"`).
public struct AttestResponse: Sendable, Codable, Equatable {
    public var token: String
    public var expiresAt: Date
    public var config: HPKEEnvelope

    public init(token: String, expiresAt: Date, config: HPKEEnvelope) {
        self.token = token
        self.expiresAt = expiresAt
        self.config = config
    }

    enum CodingKeys: String, CodingKey {
        case token, config
        case expiresAt = "expires_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        token = try c.decode(String.self, forKey: .token)
        expiresAt = try c.decodeTime(forKey: .expiresAt)
        config = try c.decode(HPKEEnvelope.self, forKey: .config)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(token, forKey: .token)
        try c.encodeTime(expiresAt, forKey: .expiresAt)
        try c.encode(config, forKey: .config)
    }
}
