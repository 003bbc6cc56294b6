/// The last audit checkpoint this CAS signed. CAS signs a new checkpoint only for a chain that
/// extends this one, so a chain rewritten in the database is never signed.
public struct AuditCheckpointMark: Codable, Sendable, Equatable {
    public var seq: Int64
    public var hash: String

    public init(seq: Int64, hash: String) {
        self.seq = seq
        self.hash = hash
    }
}
