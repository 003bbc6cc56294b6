import CASCore
import Foundation
import SQLStorage
import Synchronization

/// The embedded store: one SQLite file (mode 0600, WAL) in the CAS data directory.
/// One connection behind a Mutex serialises this process's calls; BEGIN IMMEDIATE serialises
/// writers across processes. Calls block a thread only for the length of one short statement
/// or transaction.
public final class SQLiteCASStore: CASStore {
    private let database: Mutex<SQLiteDatabase?>
    public let path: String

    /// Opens or creates the database at `path` and brings its schema to the current version.
    public init(path: String) throws {
        self.path = path
        let db: SQLiteDatabase
        do {
            db = try SQLiteDatabase(path: path)
        } catch {
            throw CASStoreError(error)
        }
        do {
            try Self.migrate(db)
        } catch {
            db.close()
            throw CASStoreError.translating(error)
        }
        database = Mutex(db)
    }

    private static func migrate(_ db: SQLiteDatabase) throws {
        try db.writeTransaction {
            try db.execute(SQLiteSchema.meta)
            let rows = try db.query("SELECT value FROM meta WHERE key = ?", [.text(SchemaVersion.key)])
            var stored = 0
            if let row = rows.first {
                stored = try SchemaVersion.decode(try row.blob(0, "meta.value"))
                try SchemaVersion.check(stored)
            }
            if stored == SchemaVersion.current { return }
            if stored < 1 { try db.execute(SQLiteSchema.version1) }
            if stored < 2 { try db.execute(SQLiteSchema.version2) }
            try db.query(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [.text(SchemaVersion.key), .blob(Array(String(SchemaVersion.current).utf8))])
        }
    }

    /// Runs `body` with the connection; `.closed` after `close()`. Connection errors come out
    /// as store errors.
    @discardableResult
    private func withDatabase<T: Sendable>(_ body: (SQLiteDatabase) throws -> T) throws -> T {
        try database.withLock { db in
            guard let db else { throw CASStoreError(.closed, "the SQLite store is closed") }
            do {
                return try body(db)
            } catch {
                throw CASStoreError.translating(error)
            }
        }
    }

    /// A constraint violation gets a message in the domain's words; other errors pass through.
    private static func conflict(_ error: any Error, _ message: String) -> any Error {
        guard let error = error as? SQLStorageError, error.code == .conflict else { return error }
        return CASStoreError(.conflict, message, cause: error)
    }

    public func close() async {
        database.withLock { db in
            db?.close()
            db = nil
        }
    }

    // MARK: meta

    public func meta(_ key: String) async throws -> [UInt8]? {
        try withDatabase { db in
            try db.query("SELECT value FROM meta WHERE key = ?", [.text(key)]).first.map { try $0.blob(0, "meta.value") }
        }
    }

    public func putMeta(_ key: String, _ value: [UInt8]) async throws {
        try RecordChecks.metaKey(key)
        try withDatabase { db in
            try db.query(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [.text(key), .blob(value)])
        }
    }

    // MARK: policy versions

    private static let policyColumns = "name, version, hash, previous, yaml, signatures, applied_at, mac"

    private static func insertPolicy(_ record: PolicyVersionRecord, _ db: SQLiteDatabase) throws {
        let signatures = try SignatureColumn.encode(record.signatures)
        do {
            try db.query(
                "INSERT INTO policy_versions (\(policyColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    .text(record.name), .integer(record.version), .text(record.hash),
                    record.previous.map { .text($0) } ?? .null, .blob(record.yaml),
                    .text(signatures),
                    .integer(Microseconds.from(record.appliedAt)), .blob(record.mac),
                ])
        } catch {
            throw Self.conflict(error, "policy \"\(record.name)\" already has version \(record.version)")
        }
    }

    private static func policy(_ row: SQLiteRow) throws -> PolicyVersionRecord {
        PolicyVersionRecord(
            name: try row.text(0, "policy_versions.name"),
            version: try row.int64(1, "policy_versions.version"),
            hash: try row.text(2, "policy_versions.hash"),
            previous: try row.optionalText(3, "policy_versions.previous"),
            yaml: try row.blob(4, "policy_versions.yaml"),
            signatures: try SignatureColumn.decode(try row.text(5, "policy_versions.signatures")),
            appliedAt: Microseconds.date(try row.int64(6, "policy_versions.applied_at")),
            mac: try row.blob(7, "policy_versions.mac"))
    }

    public func insertPolicyVersion(_ record: PolicyVersionRecord) async throws {
        try RecordChecks.policyVersion(record)
        try withDatabase { db in try Self.insertPolicy(record, db) }
    }

    public func applyPolicyVersion(_ record: PolicyVersionRecord, head: RecordSwap, audit build: AuditEntryBuilder) async throws -> AuditRecord {
        try RecordChecks.policyVersion(record)
        try RecordChecks.record(kind: head.kind, key: head.key)
        return try withDatabase { db in
            try db.writeTransaction {
                try Self.insertPolicy(record, db)
                guard try Self.swap(head, db) else {
                    throw CASStoreError(.conflict, "policy \"\(record.name)\" changed concurrently")
                }
                return try Self.appendAudit(build, db)
            }
        }
    }

    public func setPolicyVersionMAC(name: String, version: Int64, mac: [UInt8]) async throws {
        try withDatabase { db in
            try db.query("UPDATE policy_versions SET mac = ? WHERE name = ? AND version = ?", [.blob(mac), .text(name), .integer(version)])
        }
    }

    public func policyVersions(name: String) async throws -> [PolicyVersionRecord] {
        try withDatabase { db in
            try db.query("SELECT \(Self.policyColumns) FROM policy_versions WHERE name = ? ORDER BY version", [.text(name)])
                .map(Self.policy)
        }
    }

    public func policyVersion(name: String, version: Int64) async throws -> PolicyVersionRecord? {
        try withDatabase { db in
            try db.query(
                "SELECT \(Self.policyColumns) FROM policy_versions WHERE name = ? AND version = ?",
                [.text(name), .integer(version)]
            ).first.map(Self.policy)
        }
    }

    public func latestPolicyVersion(name: String) async throws -> PolicyVersionRecord? {
        try withDatabase { db in
            try db.query(
                "SELECT \(Self.policyColumns) FROM policy_versions WHERE name = ? ORDER BY version DESC LIMIT 1",
                [.text(name)]
            ).first.map(Self.policy)
        }
    }

    public func policyNames() async throws -> [String] {
        try withDatabase { db in
            try db.query("SELECT DISTINCT name FROM policy_versions ORDER BY name").map { try $0.text(0, "policy_versions.name") }
        }
    }

    // MARK: secrets

    private static func secret(_ row: SQLiteRow) throws -> SecretRecord {
        SecretRecord(
            policy: try row.text(0, "secrets.policy"), name: try row.text(1, "secrets.name"),
            sealed: try row.blob(2, "secrets.sealed"),
            createdAt: Microseconds.date(try row.int64(3, "secrets.created_at")))
    }

    public func putSecret(_ record: SecretRecord) async throws {
        try RecordChecks.secret(record)
        try withDatabase { db in
            try db.query(
                """
                INSERT INTO secrets (policy, name, sealed, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (policy, name) DO UPDATE SET sealed = excluded.sealed, created_at = excluded.created_at
                """,
                [.text(record.policy), .text(record.name), .blob(record.sealed), .integer(Microseconds.from(record.createdAt))])
        }
    }

    public func secret(policy: String, name: String) async throws -> SecretRecord? {
        try withDatabase { db in
            try db.query(
                "SELECT policy, name, sealed, created_at FROM secrets WHERE policy = ? AND name = ?",
                [.text(policy), .text(name)]
            ).first.map(Self.secret)
        }
    }

    public func secrets(policy: String) async throws -> [SecretRecord] {
        try withDatabase { db in
            try db.query("SELECT policy, name, sealed, created_at FROM secrets WHERE policy = ? ORDER BY name", [.text(policy)])
                .map(Self.secret)
        }
    }

    // MARK: master keys

    private static func masterKey(_ row: SQLiteRow) throws -> MasterKeyRecord {
        MasterKeyRecord(
            id: try row.text(0, "master_keys.id"), policy: try row.text(1, "master_keys.policy"),
            sealed: try row.blob(2, "master_keys.sealed"))
    }

    public func insertMasterKey(_ record: MasterKeyRecord) async throws {
        try RecordChecks.masterKey(record)
        try withDatabase { db in
            do {
                try db.query(
                    "INSERT INTO master_keys (id, policy, sealed) VALUES (?, ?, ?)",
                    [.text(record.id), .text(record.policy), .blob(record.sealed)])
            } catch {
                throw Self.conflict(error, "master key \"\(record.id)\" of policy \"\(record.policy)\" already exists")
            }
        }
    }

    public func masterKey(policy: String, id: String) async throws -> MasterKeyRecord? {
        try withDatabase { db in
            try db.query("SELECT id, policy, sealed FROM master_keys WHERE policy = ? AND id = ?", [.text(policy), .text(id)])
                .first.map(Self.masterKey)
        }
    }

    public func replaceMasterKey(_ record: MasterKeyRecord) async throws {
        try RecordChecks.masterKey(record)
        try withDatabase { db in
            try db.query("UPDATE master_keys SET sealed = ? WHERE policy = ? AND id = ?",
                         [.blob(record.sealed), .text(record.policy), .text(record.id)])
        }
    }

    public func masterKeys(policy: String) async throws -> [MasterKeyRecord] {
        try withDatabase { db in
            try db.query("SELECT id, policy, sealed FROM master_keys WHERE policy = ? ORDER BY id", [.text(policy)])
                .map(Self.masterKey)
        }
    }

    // MARK: nonces

    public func insertNonce(_ nonce: [UInt8], expiresAt: Date) async throws {
        try RecordChecks.nonce(nonce)
        try withDatabase { db in
            do {
                try db.query(
                    "INSERT INTO nonces (nonce, expires_at) VALUES (?, ?)",
                    [.blob(nonce), .integer(Microseconds.from(expiresAt))])
            } catch {
                throw Self.conflict(error, "nonce already outstanding")
            }
        }
    }

    public func consumeNonce(_ nonce: [UInt8], now: Date) async throws -> Bool {
        try withDatabase { db in
            // DELETE … RETURNING is one statement: the nonce is gone whether or not it was still valid.
            let rows = try db.query("DELETE FROM nonces WHERE nonce = ? RETURNING expires_at", [.blob(nonce)])
            guard let row = rows.first else { return false }
            return Microseconds.from(now) < (try row.int64(0, "nonces.expires_at"))
        }
    }

    public func purgeExpiredNonces(now: Date) async throws -> Int {
        try withDatabase { db in
            try db.query("DELETE FROM nonces WHERE expires_at <= ?", [.integer(Microseconds.from(now))])
            return db.changes
        }
    }

    // MARK: replay cache

    public func insertReplay(_ digest: [UInt8], now: Date, expiresAt: Date) async throws -> Bool {
        try RecordChecks.replay(digest)
        return try withDatabase { db in
            // An expired entry with the same digest is replaced; a live one is kept (false).
            try db.query(
                """
                INSERT INTO replays (digest, expires_at) VALUES (?, ?)
                ON CONFLICT (digest) DO UPDATE SET expires_at = excluded.expires_at WHERE replays.expires_at <= ?
                """,
                [.blob(digest), .integer(Microseconds.from(expiresAt)), .integer(Microseconds.from(now))])
            return db.changes == 1
        }
    }

    public func purgeExpiredReplays(now: Date) async throws -> Int {
        try withDatabase { db in
            try db.query("DELETE FROM replays WHERE expires_at <= ?", [.integer(Microseconds.from(now))])
            return db.changes
        }
    }

    // MARK: authenticated records

    public func record(kind: String, key: String) async throws -> [UInt8]? {
        try withDatabase { db in
            try db.query("SELECT value FROM records WHERE kind = ? AND key = ?", [.text(kind), .text(key)])
                .first.map { try $0.blob(0, "records.value") }
        }
    }

    public func records(kind: String) async throws -> [StoredRecord] {
        try withDatabase { db in
            try db.query("SELECT kind, key, value FROM records WHERE kind = ? ORDER BY key", [.text(kind)]).map { row in
                StoredRecord(kind: try row.text(0, "records.kind"), key: try row.text(1, "records.key"),
                             value: try row.blob(2, "records.value"))
            }
        }
    }

    public func insertRecord(_ record: StoredRecord) async throws {
        try RecordChecks.record(kind: record.kind, key: record.key)
        try withDatabase { db in
            do {
                try db.query("INSERT INTO records (kind, key, value) VALUES (?, ?, ?)",
                             [.text(record.kind), .text(record.key), .blob(record.value)])
            } catch {
                throw Self.conflict(error, "\(record.kind) record already exists")
            }
        }
    }

    public func swapRecord(_ swap: RecordSwap) async throws -> Bool {
        try RecordChecks.record(kind: swap.kind, key: swap.key)
        return try withDatabase { db in try db.writeTransaction { try Self.swap(swap, db) } }
    }

    /// Compare-and-swap inside the caller's write transaction.
    private static func swap(_ swap: RecordSwap, _ db: SQLiteDatabase) throws -> Bool {
        if let expected = swap.expected {
            try db.query("UPDATE records SET value = ? WHERE kind = ? AND key = ? AND value = ?",
                         [.blob(swap.value), .text(swap.kind), .text(swap.key), .blob(expected)])
        } else {
            try db.query("INSERT INTO records (kind, key, value) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO NOTHING",
                         [.text(swap.kind), .text(swap.key), .blob(swap.value)])
        }
        return db.changes == 1
    }

    // MARK: trusted nodes

    private static func node(_ row: SQLiteRow) throws -> TrustedNodeRecord {
        TrustedNodeRecord(
            keyID: try row.text(0, "nodes.key_id"), name: try row.text(1, "nodes.name"),
            publicKey: try row.text(2, "nodes.public_key"), mac: try row.blob(3, "nodes.mac"))
    }

    public func putTrustedNode(_ record: TrustedNodeRecord) async throws {
        try RecordChecks.node(record)
        try withDatabase { db in
            try db.query(
                """
                INSERT INTO nodes (key_id, name, public_key, mac) VALUES (?, ?, ?, ?)
                ON CONFLICT (key_id) DO UPDATE SET name = excluded.name, public_key = excluded.public_key, mac = excluded.mac
                """,
                [.text(record.keyID), .text(record.name), .text(record.publicKey), .blob(record.mac)])
        }
    }

    public func trustedNode(keyID: String) async throws -> TrustedNodeRecord? {
        try withDatabase { db in
            try db.query("SELECT key_id, name, public_key, mac FROM nodes WHERE key_id = ?", [.text(keyID)]).first.map(Self.node)
        }
    }

    public func trustedNodes() async throws -> [TrustedNodeRecord] {
        try withDatabase { db in
            try db.query("SELECT key_id, name, public_key, mac FROM nodes ORDER BY key_id").map(Self.node)
        }
    }

    // MARK: audit

    private static func audit(_ row: SQLiteRow) throws -> AuditRecord {
        AuditRecord(
            seq: try row.int64(0, "audit.seq"), hash: try row.text(1, "audit.hash"),
            entryJSON: try row.text(2, "audit.entry"), policy: try row.optionalText(3, "audit.policy"))
    }

    /// Appends inside the caller's write transaction (BEGIN IMMEDIATE holds the writer lock).
    private static func appendAudit(_ build: AuditEntryBuilder, _ db: SQLiteDatabase) throws -> AuditRecord {
        let head = try db.query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").first
        let position = AuditPosition(
            seq: (try head?.int64(0, "audit.seq") ?? 0) + 1,
            previousHash: try head?.text(1, "audit.hash") ?? AuditPosition.genesisHash)
        let text = try build(position)
        try RecordChecks.auditEntry(text)
        try db.query(
            "INSERT INTO audit (seq, hash, entry, policy) VALUES (?, ?, ?, ?)",
            [.integer(position.seq), .text(text.hash), .text(text.json), text.policy.map { .text($0) } ?? .null])
        return AuditRecord(seq: position.seq, hash: text.hash, entryJSON: text.json, policy: text.policy)
    }

    public func appendAudit(_ build: AuditEntryBuilder) async throws -> AuditRecord {
        try withDatabase { db in
            try db.writeTransaction { try Self.appendAudit(build, db) }
        }
    }

    public func auditEntries(from: Int64, limit: Int, policy: String?) async throws -> [AuditRecord] {
        try RecordChecks.page(from: from, limit: limit)
        return try withDatabase { db in
            if let policy {
                return try db.query(
                    "SELECT seq, hash, entry, policy FROM audit WHERE policy = ? AND seq >= ? ORDER BY seq LIMIT ?",
                    [.text(policy), .integer(from), .integer(Int64(limit))]
                ).map(Self.audit)
            }
            return try db.query(
                "SELECT seq, hash, entry, policy FROM audit WHERE seq >= ? ORDER BY seq LIMIT ?",
                [.integer(from), .integer(Int64(limit))]
            ).map(Self.audit)
        }
    }

    public func latestAudit() async throws -> AuditRecord? {
        try withDatabase { db in
            try db.query("SELECT seq, hash, entry, policy FROM audit ORDER BY seq DESC LIMIT 1").first.map(Self.audit)
        }
    }

    // MARK: checkpoints

    public func putCheckpoint(_ record: AuditCheckpointRecord) async throws -> Bool {
        try RecordChecks.checkpoint(record)
        return try withDatabase { db in
            try db.query(
                "INSERT INTO checkpoints (seq, hash, time, kid, signature) VALUES (?, ?, ?, ?, ?) ON CONFLICT (seq) DO NOTHING",
                [.integer(record.seq), .text(record.hash), .integer(Microseconds.from(record.time)), .text(record.kid), .blob(record.signature)])
            return db.changes == 1
        }
    }

    public func checkpoints(from: Int64, limit: Int) async throws -> [AuditCheckpointRecord] {
        try RecordChecks.page(from: from, limit: limit)
        return try withDatabase { db in
            try db.query(
                "SELECT seq, hash, time, kid, signature FROM checkpoints WHERE seq >= ? ORDER BY seq LIMIT ?",
                [.integer(from), .integer(Int64(limit))]
            ).map { row in
                AuditCheckpointRecord(
                    seq: try row.int64(0, "checkpoints.seq"), hash: try row.text(1, "checkpoints.hash"),
                    time: Microseconds.date(try row.int64(2, "checkpoints.time")), kid: try row.text(3, "checkpoints.kid"),
                    signature: try row.blob(4, "checkpoints.signature"))
            }
        }
    }
}
