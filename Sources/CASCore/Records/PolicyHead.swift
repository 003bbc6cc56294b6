import Foundation

/// What CAS holds as the truth about one policy, beside its version rows: the current version
/// and hash, the first version's hash (the policy's identity for exports), and the tokens the
/// owners revoked. Kept as an authenticated record (`RecordKind.policyHead`, key = policy name)
/// and moved in the same transaction as a new version, so a version row added, dropped or
/// changed in the database without CAS is noticed.
public struct PolicyHead: Codable, Sendable, Equatable {
    public var version: Int
    public var hash: String
    public var firstHash: String
    /// Tokens issued before this instant (unix seconds) are revoked ("revoke all").
    public var tokensNotBefore: Int64
    /// Revoked token ids → their expiry (unix seconds); pruned once expired.
    public var revoked: [String: Int64]
    /// Incremented by every change CAS makes: a head restored to an older value is noticed by a
    /// running CAS (`PolicyLedger` keeps the highest serial it saw).
    public var serial: Int64

    public init(version: Int, hash: String, firstHash: String, tokensNotBefore: Int64 = 0, revoked: [String: Int64] = [:],
                serial: Int64 = 0) {
        self.serial = serial
        self.version = version
        self.hash = hash
        self.firstHash = firstHash
        self.tokensNotBefore = tokensNotBefore
        self.revoked = revoked
    }

    enum CodingKeys: String, CodingKey {
        case version, hash, revoked, serial
        case firstHash = "first_hash"
        case tokensNotBefore = "tokens_not_before"
    }

    /// Whether a token with this id, issue time and (for helpers) parent id is revoked.
    public func revokes(tokenID: String, issuedAt: Int64, parent: String?) -> Bool {
        if issuedAt < tokensNotBefore { return true }
        if revoked[tokenID] != nil { return true }
        if let parent, revoked[parent] != nil { return true }
        return false
    }

    /// Drops revocations of tokens that have expired anyway.
    public mutating func prune(now: Int64) {
        revoked = revoked.filter { $0.value > now }
    }
}
