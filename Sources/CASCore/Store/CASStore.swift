import Foundation

/// Everything CAS keeps: policies, sealed secrets and master keys, nonces, trusted nodes and the
/// audit chain. Two implementations (CASStorage: SQLite, PostgreSQL) pass one conformance suite.
/// Stored bytes are opaque here: sealing happens above, in CASService with the Sealer.
/// Errors are `CASStoreError`.
public protocol CASStore: Sendable {
    // MARK: meta — small named values (sealed check value, sealed signing keys, CA, settings)
    func meta(_ key: String) async throws -> [UInt8]?
    /// Inserts or replaces. Keys starting with `schema.` are reserved for the store.
    func putMeta(_ key: String, _ value: [UInt8]) async throws

    // MARK: policy versions
    /// Inserts one version; `.conflict` when (name, version) exists.
    func insertPolicyVersion(_ record: PolicyVersionRecord) async throws
    /// Inserts one version, moves the policy's head record from `head.expected` to `head.value`
    /// and appends the audit entry, in one transaction: all or nothing. `.conflict` when the
    /// version exists or the head is no longer `head.expected`.
    @discardableResult
    func applyPolicyVersion(_ record: PolicyVersionRecord, head: RecordSwap, audit build: AuditEntryBuilder) async throws -> AuditRecord
    /// Sets the MAC of a stored version (the one-time upgrade of a store written before MACs).
    func setPolicyVersionMAC(name: String, version: Int64, mac: [UInt8]) async throws
    /// All versions of one policy, oldest first; empty when the policy is unknown.
    func policyVersions(name: String) async throws -> [PolicyVersionRecord]
    func policyVersion(name: String, version: Int64) async throws -> PolicyVersionRecord?
    func latestPolicyVersion(name: String) async throws -> PolicyVersionRecord?
    /// Names of all policies, sorted.
    func policyNames() async throws -> [String]

    // MARK: secrets (sealed)
    /// Inserts or replaces the secret (policy, name).
    func putSecret(_ record: SecretRecord) async throws
    func secret(policy: String, name: String) async throws -> SecretRecord?
    /// All secrets of one policy, sorted by name.
    func secrets(policy: String) async throws -> [SecretRecord]

    // MARK: master keys (sealed)
    /// `.conflict` when (policy, id) exists. Ids are scoped per policy.
    func insertMasterKey(_ record: MasterKeyRecord) async throws
    func masterKey(policy: String, id: String) async throws -> MasterKeyRecord?
    /// Replaces the sealed bytes of an existing (policy, id) (re-sealing during the store upgrade).
    func replaceMasterKey(_ record: MasterKeyRecord) async throws
    /// Master keys owned by one policy, sorted by id.
    func masterKeys(policy: String) async throws -> [MasterKeyRecord]

    // MARK: attestation nonces (single use)
    /// `.conflict` if the same nonce is already outstanding.
    func insertNonce(_ nonce: [UInt8], expiresAt: Date) async throws
    /// Atomically deletes the nonce and returns true only if it existed and `now < expiresAt`.
    /// Two concurrent calls with one nonce: at most one gets true.
    func consumeNonce(_ nonce: [UInt8], now: Date) async throws -> Bool
    /// Deletes nonces with `expiresAt <= now`; returns how many.
    @discardableResult
    func purgeExpiredNonces(now: Date) async throws -> Int

    // MARK: replay cache (signed requests are accepted once)
    /// Records a request digest until `expiresAt`; false (nothing written) when it is already
    /// recorded and not expired at `now`. Two concurrent calls with one digest: at most one gets true.
    func insertReplay(_ digest: [UInt8], now: Date, expiresAt: Date) async throws -> Bool
    /// Deletes replay digests with `expiresAt <= now`; returns how many.
    @discardableResult
    func purgeExpiredReplays(now: Date) async throws -> Int

    // MARK: authenticated records (kind, key) → opaque value
    // Auditor grants, policy heads, helper grants, wrapped-key provenance: CASCore encodes and
    // MACs the values (RecordBook); the store keeps bytes.
    func record(kind: String, key: String) async throws -> [UInt8]?
    /// All records of one kind, sorted by key.
    func records(kind: String) async throws -> [StoredRecord]
    /// `.conflict` when (kind, key) exists.
    func insertRecord(_ record: StoredRecord) async throws
    /// Replaces (kind, key) only if its value is still `swap.expected` (nil: absent); false otherwise.
    func swapRecord(_ swap: RecordSwap) async throws -> Bool

    // MARK: trusted nodes
    /// Inserts or replaces the node with this key id.
    func putTrustedNode(_ record: TrustedNodeRecord) async throws
    func trustedNode(keyID: String) async throws -> TrustedNodeRecord?
    /// All trusted nodes, sorted by key id.
    func trustedNodes() async throws -> [TrustedNodeRecord]

    // MARK: audit chain
    /// Appends one entry. Writers are serialised (one at a time, across processes too), so
    /// seq is 1, 2, 3 … without gaps and each builder sees the hash of the entry before it.
    /// The builder runs under that lock; if it throws, nothing is written.
    @discardableResult
    func appendAudit(_ build: AuditEntryBuilder) async throws -> AuditRecord
    /// Entries with `seq >= from`, ascending, at most `limit`; only one policy's when given.
    func auditEntries(from: Int64, limit: Int, policy: String?) async throws -> [AuditRecord]
    func latestAudit() async throws -> AuditRecord?

    // MARK: audit checkpoints
    /// Stores a checkpoint; returns false (and keeps the stored one) if `seq` already has one.
    @discardableResult
    func putCheckpoint(_ record: AuditCheckpointRecord) async throws -> Bool
    /// Checkpoints with `seq >= from`, ascending, at most `limit`.
    func checkpoints(from: Int64, limit: Int) async throws -> [AuditCheckpointRecord]

    /// Releases the database (connection, pool). Later calls fail with `.closed`.
    func close() async
}

extension CASStore {
    public func auditEntries(from: Int64, limit: Int) async throws -> [AuditRecord] {
        try await auditEntries(from: from, limit: limit, policy: nil)
    }
}
