/// Where the next audit entry goes: its sequence number and the hash it must chain to.
/// The store hands this to the entry builder while it holds the audit writer lock.
public struct AuditPosition: Sendable, Hashable {
    /// The `prev` of entry 1: 64 zeros (docs/design/cas.md, "Audit chain").
    public static let genesisHash = String(repeating: "0", count: 64)

    public var seq: Int64
    public var previousHash: String

    public init(seq: Int64, previousHash: String) {
        self.seq = seq
        self.previousHash = previousHash
    }
}

/// What the builder returns for the position it was given: the entry's hash and its canonical
/// JSON. `policy` (optional) is indexed so `GET /v1/audit?policy=P` need not parse every entry.
public struct AuditEntryText: Sendable, Hashable {
    public var hash: String
    public var json: String
    public var policy: String?

    public init(hash: String, json: String, policy: String? = nil) {
        self.hash = hash
        self.json = json
        self.policy = policy
    }
}

/// One stored audit entry. The store never interprets `entryJSON`; AuditChain does.
public struct AuditRecord: Sendable, Hashable {
    public var seq: Int64
    public var hash: String
    public var entryJSON: String
    public var policy: String?

    public init(seq: Int64, hash: String, entryJSON: String, policy: String? = nil) {
        self.seq = seq
        self.hash = hash
        self.entryJSON = entryJSON
        self.policy = policy
    }
}

/// Builds the entry for a position. Runs inside the store's write transaction with the audit
/// writer held, so keep it short and synchronous; throwing rolls the whole write back.
public typealias AuditEntryBuilder = @Sendable (AuditPosition) throws -> AuditEntryText
