import Foundation

/// `POST /v1/grants` (SR-PoP, an attested job): authority for a helper service to attest as
/// part of this job, running exactly `jobHash` (hex SHA-256 of the helper's job, `JobHash`).
public struct GrantRequest: Sendable, Codable, Equatable {
    public var service: String
    public var jobHash: String

    public init(service: String, jobHash: String) {
        self.service = service
        self.jobHash = jobHash
    }

    enum CodingKeys: String, CodingKey {
        case service
        case jobHash = "job_hash"
    }
}

/// 201 answer: the grant text (`srg1.…`, a credential: hand it to the helpers only) and its expiry.
public struct GrantIssued: Sendable, Codable, Equatable {
    public var grant: String
    public var expiresAt: Date

    public init(grant: String, expiresAt: Date) {
        self.grant = grant
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case grant
        case expiresAt = "expires_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        grant = try c.decode(String.self, forKey: .grant)
        expiresAt = try c.decodeTime(forKey: .expiresAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(grant, forKey: .grant)
        try c.encodeTime(expiresAt, forKey: .expiresAt)
    }
}

/// `POST /v1/policies/{name}/tokens/revoke` (SR-Sig owner): one token by id, or (no id) every
/// token of the policy issued until now. Helpers' tokens go with their job's.
public struct TokenRevocation: Sendable, Codable, Equatable {
    public var tokenID: String?

    public init(tokenID: String? = nil) {
        self.tokenID = tokenID
    }

    enum CodingKeys: String, CodingKey {
        case tokenID = "token_id"
    }
}

/// Answer to a revocation: what is revoked now.
public struct TokensRevoked: Sendable, Codable, Equatable {
    public var policy: String
    /// The revoked token id, or nil for "all tokens issued before `notBefore`".
    public var tokenID: String?
    public var notBefore: Date?

    public init(policy: String, tokenID: String?, notBefore: Date?) {
        self.policy = policy
        self.tokenID = tokenID
        self.notBefore = notBefore
    }

    enum CodingKeys: String, CodingKey {
        case policy
        case tokenID = "token_id"
        case notBefore = "not_before"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        policy = try c.decode(String.self, forKey: .policy)
        tokenID = try c.decodeIfPresent(String.self, forKey: .tokenID)
        notBefore = try c.contains(.notBefore) ? c.decodeTime(forKey: .notBefore) : nil
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(policy, forKey: .policy)
        try c.encodeIfPresent(tokenID, forKey: .tokenID)
        if let notBefore { try c.encodeTime(notBefore, forKey: .notBefore) }
    }
}
