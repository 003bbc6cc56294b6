/// Who wrapped a data key under one of a policy's master keys: an owner (by key id) or an
/// attested workload (by service). Key = "policy/master key id/SHA-256 of the wrapped text".
/// In a multi-owner policy an owner unwraps only the data keys it contributed; results
/// recipients unwrap only what an attested service wrapped under its results key.
public struct WrappedKeyOrigin: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case owner, workload
    }

    public var kind: Kind
    /// The owner's key id, or the service name.
    public var by: String
    /// The workload's token id (workload wraps only).
    public var tokenID: String?

    public init(kind: Kind, by: String, tokenID: String? = nil) {
        self.kind = kind
        self.by = by
        self.tokenID = tokenID
    }

    enum CodingKeys: String, CodingKey {
        case kind, by
        case tokenID = "token_id"
    }
}
