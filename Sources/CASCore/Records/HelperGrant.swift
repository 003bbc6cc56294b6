import Attestation
import Foundation
import Support

/// Authority an attested job obtained from CAS for its helpers (Spark executors): a helper
/// service may attest only with such a grant, running exactly `jobHash` (the helper's code, as the
/// job computed it from its own installation). Key = grant id; the secret half is kept only as
/// its SHA-256. Revoking the parent token revokes the helpers' tokens too.
public struct HelperGrant: Codable, Sendable, Equatable {
    public var policy: String
    /// The helper service.
    public var service: String
    public var parentService: String
    public var parentTokenID: String
    /// The parent token's `iat` (a "revoke all" before it revokes the grant too).
    public var parentIssuedAt: Int64
    /// Lowercase hex SHA-256 of the helper job the grant admits.
    public var jobHash: String
    /// Lowercase hex SHA-256 of the grant's secret.
    public var secretDigest: String
    /// Unix seconds; the parent token's expiry.
    public var expiresAt: Int64

    public init(policy: String, service: String, parentService: String, parentTokenID: String, parentIssuedAt: Int64,
                jobHash: String, secretDigest: String, expiresAt: Int64) {
        self.parentIssuedAt = parentIssuedAt
        self.policy = policy
        self.service = service
        self.parentService = parentService
        self.parentTokenID = parentTokenID
        self.jobHash = jobHash
        self.secretDigest = secretDigest
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case policy, service
        case parentService = "parent_service"
        case parentTokenID = "parent_token_id"
        case parentIssuedAt = "parent_issued_at"
        case jobHash = "job_hash"
        case secretDigest = "secret_digest"
        case expiresAt = "expires_at"
    }
}

/// The text form a job hands its helpers: `srg1.<grant id, 32 hex>.<secret, base64url>`.
public struct GrantCredential: Sendable, Equatable {
    public static let prefix = "srg1"
    public var id: String
    public var secret: [UInt8]

    public init(id: String, secret: [UInt8]) {
        self.id = id
        self.secret = secret
    }

    public var text: String { "\(Self.prefix).\(id).\(Base64URL.encode(secret))" }

    public init(text: String) throws(CASError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard text.utf8.count <= 256, parts.count == 3, parts[0] == Self.prefix,
              LowercaseHex.isHex(String(parts[1]), length: 32), let secret = Base64URL.decode(parts[2]), secret.count == 32 else {
            throw CASError(.malformedRequest, "grant is not srg1.<32 hex>.<base64url of 32 bytes>")
        }
        self.id = String(parts[1])
        self.secret = secret
    }
}
