import CASCore
import Foundation
import Logging
import PostgresNIO
import SQLStorage
import Synchronization

/// The shared store: one PostgreSQL database, several CAS processes may use it at once.
/// A pooled `PostgresClient` runs in a task this store owns (started in `init`, ended by
/// `close()`). Audit writers are serialised by a row lock on `audit_head`, so seq and prev
/// never fork across processes.
public final class PostgresCASStore: CASStore {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger
    private let isClosed = Atomic<Bool>(false)

    /// Connects to `url` (see `PostgresURL`) and brings the schema to the current version.
    /// Fails with `.backend` if the server cannot be reached within `connectTimeout`.
    public init(
        url: String, logger: Logger = Logger(label: "strongroom.cas.store"),
        connectTimeout: Duration = .seconds(30)
    ) async throws {
        let location: PostgresURL
        do {
            location = try PostgresURL(url)
        } catch {
            throw CASStoreError(error)
        }
        let client = PostgresClient(configuration: location.clientConfiguration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        runner = Task { await client.run() }
        do {
            try await Self.withDeadline(connectTimeout, "cannot reach PostgreSQL at \(location.host):\(location.port)") {
                try await self.migrate()
            }
        } catch {
            await close()
            throw Self.mapped(error, "migrate schema")
        }
    }

    deinit { runner.cancel() }

    public func close() async {
        isClosed.store(true, ordering: .sequentiallyConsistent)
        runner.cancel()
        await runner.value
    }

    private static func withDeadline(
        _ limit: Duration, _ message: String, _ body: @escaping @Sendable () async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw CASStoreError(.backend, message)
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    private func migrate() async throws {
        try await inTransaction { connection in
            // Two CAS processes starting together must not both create the tables.
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLockID))", logger: self.logger)
            try await connection.query("\(unescaped: PostgresSchema.meta)", logger: self.logger)
            let stored = try await Self.collect(
                try await connection.query("SELECT value FROM meta WHERE key = \(SchemaVersion.key)", logger: self.logger),
                "meta"
            ) { row in Self.bytes(try row.decode(ByteBuffer.self)) }
            var version = 0
            if let value = stored.first {
                version = try SchemaVersion.decode(value)
                try SchemaVersion.check(version)
            }
            if version == SchemaVersion.current { return }
            if version < 1 {
                for statement in PostgresSchema.version1 {
                    try await connection.query("\(unescaped: statement)", logger: self.logger)
                }
                try await connection.query(
                    "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, \(AuditPosition.genesisHash))", logger: self.logger)
            }
            if version < 2 {
                for statement in PostgresSchema.version2 {
                    try await connection.query("\(unescaped: statement)", logger: self.logger)
                }
            }
            try await connection.query(
                """
                INSERT INTO meta (key, value) VALUES (\(SchemaVersion.key), \(Self.buffer(Array(String(SchemaVersion.current).utf8))))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """,
                logger: self.logger)
        }
    }

    // MARK: - plumbing

    /// Every public operation goes through here: `.closed` after close, errors mapped to CASStoreError.
    @discardableResult
    private func operation<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
        guard !isClosed.load(ordering: .sequentiallyConsistent) else {
            throw CASStoreError(.closed, "the PostgreSQL store is closed")
        }
        do {
            return try await body()
        } catch let failure as BuilderFailure {
            throw failure.underlying
        } catch {
            throw Self.mapped(error, what)
        }
    }

    /// Carries the audit builder's own error through the transaction, so callers get it unchanged
    /// (as from SQLiteCASStore) rather than as a backend error.
    private struct BuilderFailure: Error {
        var underlying: any Error
    }

    /// BEGIN … COMMIT on one pooled connection; any throw rolls back and is rethrown unchanged.
    private func inTransaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: self.logger)
            do {
                let value = try await body(connection)
                try await connection.query("COMMIT", logger: self.logger)
                return value
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: self.logger)
                throw error
            }
        }
    }

    /// Runs one statement outside a transaction and decodes every row.
    private func select<T: Sendable>(
        _ query: PostgresQuery, _ table: String, _ decode: (PostgresRow) throws -> T
    ) async throws -> [T] {
        try await Self.collect(try await client.query(query, logger: logger), table, decode)
    }

    private static func collect<T>(
        _ rows: PostgresRowSequence, _ table: String, _ decode: (PostgresRow) throws -> T
    ) async throws -> [T] {
        var values: [T] = []
        for try await row in rows {
            do {
                values.append(try decode(row))
            } catch let error as CASStoreError {
                throw error
            } catch {
                throw CASStoreError(.corrupt, "a row of \(table) does not decode into its record type")
            }
        }
        return values
    }

    static func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }
    static func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }

    /// PostgreSQL's unique_violation becomes `.conflict` (see `SQLStorageError.init(_:_:)`).
    static func mapped(_ error: any Error, _ what: String) -> CASStoreError {
        (error as? CASStoreError) ?? CASStoreError(SQLStorageError(error, what))
    }

    // MARK: meta

    public func meta(_ key: String) async throws -> [UInt8]? {
        try await operation("read meta") {
            try await select("SELECT value FROM meta WHERE key = \(key)", "meta") { row in
                Self.bytes(try row.decode(ByteBuffer.self))
            }.first
        }
    }

    public func putMeta(_ key: String, _ value: [UInt8]) async throws {
        try RecordChecks.metaKey(key)
        try await operation("write meta") {
            try await client.query(
                "INSERT INTO meta (key, value) VALUES (\(key), \(Self.buffer(value))) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                logger: logger)
        }
    }

    // MARK: policy versions

    private static let policyColumns = "name, version, hash, previous, yaml, signatures, applied_at, mac"

    private static func policy(_ row: PostgresRow) throws -> PolicyVersionRecord {
        let (name, version, hash, previous, yaml, signatures, appliedAt, mac) =
            try row.decode((String, Int64, String, String?, ByteBuffer, String, Date, ByteBuffer).self)
        return PolicyVersionRecord(
            name: name, version: version, hash: hash, previous: previous, yaml: bytes(yaml),
            signatures: try SignatureColumn.decode(signatures), appliedAt: appliedAt, mac: bytes(mac))
    }

    private func insertPolicy(_ record: PolicyVersionRecord, _ connection: PostgresConnection) async throws {
        let signatures = try SignatureColumn.encode(record.signatures)
        do {
            try await connection.query(
                """
                INSERT INTO policy_versions (\(unescaped: Self.policyColumns)) VALUES (\(record.name), \(record.version),
                \(record.hash), \(record.previous), \(Self.buffer(record.yaml)), \(signatures), \(record.appliedAt),
                \(Self.buffer(record.mac)))
                """,
                logger: logger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == PostgresState.uniqueViolation {
            throw CASStoreError(.conflict, "policy \"\(record.name)\" already has version \(record.version)", cause: error)
        }
    }

    public func insertPolicyVersion(_ record: PolicyVersionRecord) async throws {
        try RecordChecks.policyVersion(record)
        try await operation("insert policy version") {
            try await inTransaction { connection in try await self.insertPolicy(record, connection) }
        }
    }

    public func applyPolicyVersion(_ record: PolicyVersionRecord, head: RecordSwap, audit build: AuditEntryBuilder) async throws -> AuditRecord {
        try RecordChecks.policyVersion(record)
        try RecordChecks.record(kind: head.kind, key: head.key)
        return try await operation("apply policy version") {
            try await inTransaction { connection in
                try await self.insertPolicy(record, connection)
                guard try await self.swap(head, connection) else {
                    throw CASStoreError(.conflict, "policy \"\(record.name)\" changed concurrently")
                }
                return try await self.appendAudit(build, connection)
            }
        }
    }

    public func setPolicyVersionMAC(name: String, version: Int64, mac: [UInt8]) async throws {
        try await operation("set policy version MAC") {
            try await client.query(
                "UPDATE policy_versions SET mac = \(Self.buffer(mac)) WHERE name = \(name) AND version = \(version)", logger: logger)
        }
    }

    public func policyVersions(name: String) async throws -> [PolicyVersionRecord] {
        try await operation("list policy versions") {
            try await select(
                "SELECT \(unescaped: Self.policyColumns) FROM policy_versions WHERE name = \(name) ORDER BY version",
                "policy_versions", Self.policy)
        }
    }

    public func policyVersion(name: String, version: Int64) async throws -> PolicyVersionRecord? {
        try await operation("read policy version") {
            try await select(
                "SELECT \(unescaped: Self.policyColumns) FROM policy_versions WHERE name = \(name) AND version = \(version)",
                "policy_versions", Self.policy
            ).first
        }
    }

    public func latestPolicyVersion(name: String) async throws -> PolicyVersionRecord? {
        try await operation("read latest policy version") {
            try await select(
                "SELECT \(unescaped: Self.policyColumns) FROM policy_versions WHERE name = \(name) ORDER BY version DESC LIMIT 1",
                "policy_versions", Self.policy
            ).first
        }
    }

    public func policyNames() async throws -> [String] {
        try await operation("list policies") {
            // COLLATE "C": byte order, the same as SQLite's and Swift's sorting of ASCII names.
            try await select("SELECT DISTINCT name COLLATE \"C\" AS name FROM policy_versions ORDER BY 1", "policy_versions") { row in
                try row.decode(String.self)
            }
        }
    }

    // MARK: secrets

    private static func secret(_ row: PostgresRow) throws -> SecretRecord {
        let (policy, name, sealed, createdAt) = try row.decode((String, String, ByteBuffer, Date).self)
        return SecretRecord(policy: policy, name: name, sealed: bytes(sealed), createdAt: createdAt)
    }

    public func putSecret(_ record: SecretRecord) async throws {
        try RecordChecks.secret(record)
        try await operation("write secret") {
            try await client.query(
                """
                INSERT INTO secrets (policy, name, sealed, created_at)
                VALUES (\(record.policy), \(record.name), \(Self.buffer(record.sealed)), \(record.createdAt))
                ON CONFLICT (policy, name) DO UPDATE SET sealed = excluded.sealed, created_at = excluded.created_at
                """,
                logger: logger)
        }
    }

    public func secret(policy: String, name: String) async throws -> SecretRecord? {
        try await operation("read secret") {
            try await select(
                "SELECT policy, name, sealed, created_at FROM secrets WHERE policy = \(policy) AND name = \(name)",
                "secrets", Self.secret
            ).first
        }
    }

    public func secrets(policy: String) async throws -> [SecretRecord] {
        try await operation("list secrets") {
            try await select(
                "SELECT policy, name, sealed, created_at FROM secrets WHERE policy = \(policy) ORDER BY name COLLATE \"C\"",
                "secrets", Self.secret)
        }
    }

    // MARK: master keys

    private static func masterKey(_ row: PostgresRow) throws -> MasterKeyRecord {
        let (id, policy, sealed) = try row.decode((String, String, ByteBuffer).self)
        return MasterKeyRecord(id: id, policy: policy, sealed: bytes(sealed))
    }

    public func insertMasterKey(_ record: MasterKeyRecord) async throws {
        try RecordChecks.masterKey(record)
        try await operation("insert master key") {
            do {
                try await client.query(
                    "INSERT INTO master_keys (id, policy, sealed) VALUES (\(record.id), \(record.policy), \(Self.buffer(record.sealed)))",
                    logger: logger)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == PostgresState.uniqueViolation {
                throw CASStoreError(.conflict, "master key \"\(record.id)\" of policy \"\(record.policy)\" already exists", cause: error)
            }
        }
    }

    public func masterKey(policy: String, id: String) async throws -> MasterKeyRecord? {
        try await operation("read master key") {
            try await select("SELECT id, policy, sealed FROM master_keys WHERE policy = \(policy) AND id = \(id)", "master_keys", Self.masterKey).first
        }
    }

    public func replaceMasterKey(_ record: MasterKeyRecord) async throws {
        try RecordChecks.masterKey(record)
        try await operation("replace master key") {
            try await client.query(
                "UPDATE master_keys SET sealed = \(Self.buffer(record.sealed)) WHERE policy = \(record.policy) AND id = \(record.id)",
                logger: logger)
        }
    }

    public func masterKeys(policy: String) async throws -> [MasterKeyRecord] {
        try await operation("list master keys") {
            try await select(
                "SELECT id, policy, sealed FROM master_keys WHERE policy = \(policy) ORDER BY id COLLATE \"C\"",
                "master_keys", Self.masterKey)
        }
    }

    // MARK: nonces

    public func insertNonce(_ nonce: [UInt8], expiresAt: Date) async throws {
        try RecordChecks.nonce(nonce)
        try await operation("insert nonce") {
            do {
                try await client.query(
                    "INSERT INTO nonces (nonce, expires_at) VALUES (\(Self.buffer(nonce)), \(expiresAt))", logger: logger)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == PostgresState.uniqueViolation {
                throw CASStoreError(.conflict, "nonce already outstanding", cause: error)
            }
        }
    }

    public func consumeNonce(_ nonce: [UInt8], now: Date) async throws -> Bool {
        try await operation("consume nonce") {
            // One DELETE … RETURNING: of two concurrent consumers, only one sees the row.
            let expiries = try await select(
                "DELETE FROM nonces WHERE nonce = \(Self.buffer(nonce)) RETURNING expires_at", "nonces"
            ) { row in try row.decode(Date.self) }
            guard let expiresAt = expiries.first else { return false }
            return now < expiresAt
        }
    }

    public func purgeExpiredNonces(now: Date) async throws -> Int {
        try await operation("purge nonces") {
            let counts = try await select(
                "WITH gone AS (DELETE FROM nonces WHERE expires_at <= \(now) RETURNING 1) SELECT count(*) FROM gone", "nonces"
            ) { row in try row.decode(Int64.self) }
            return Int(counts.first ?? 0)
        }
    }

    // MARK: replay cache

    public func insertReplay(_ digest: [UInt8], now: Date, expiresAt: Date) async throws -> Bool {
        try RecordChecks.replay(digest)
        return try await operation("record request digest") {
            // An expired entry with the same digest is replaced; a live one is kept (no row back).
            let inserted = try await select(
                """
                INSERT INTO replays (digest, expires_at) VALUES (\(Self.buffer(digest)), \(expiresAt))
                ON CONFLICT (digest) DO UPDATE SET expires_at = excluded.expires_at WHERE replays.expires_at <= \(now)
                RETURNING 1
                """,
                "replays"
            ) { row in try row.decode(Int32.self) }
            return !inserted.isEmpty
        }
    }

    public func purgeExpiredReplays(now: Date) async throws -> Int {
        try await operation("purge replay digests") {
            let counts = try await select(
                "WITH gone AS (DELETE FROM replays WHERE expires_at <= \(now) RETURNING 1) SELECT count(*) FROM gone", "replays"
            ) { row in try row.decode(Int64.self) }
            return Int(counts.first ?? 0)
        }
    }

    // MARK: authenticated records

    public func record(kind: String, key: String) async throws -> [UInt8]? {
        try await operation("read record") {
            try await select("SELECT value FROM records WHERE kind = \(kind) AND key = \(key)", "records") { row in
                Self.bytes(try row.decode(ByteBuffer.self))
            }.first
        }
    }

    public func records(kind: String) async throws -> [StoredRecord] {
        try await operation("list records") {
            try await select("SELECT kind, key, value FROM records WHERE kind = \(kind) ORDER BY key COLLATE \"C\"", "records") { row in
                let (kind, key, value) = try row.decode((String, String, ByteBuffer).self)
                return StoredRecord(kind: kind, key: key, value: Self.bytes(value))
            }
        }
    }

    public func insertRecord(_ record: StoredRecord) async throws {
        try RecordChecks.record(kind: record.kind, key: record.key)
        try await operation("insert record") {
            do {
                try await client.query(
                    "INSERT INTO records (kind, key, value) VALUES (\(record.kind), \(record.key), \(Self.buffer(record.value)))",
                    logger: logger)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == PostgresState.uniqueViolation {
                throw CASStoreError(.conflict, "\(record.kind) record already exists", cause: error)
            }
        }
    }

    public func swapRecord(_ swap: RecordSwap) async throws -> Bool {
        try RecordChecks.record(kind: swap.kind, key: swap.key)
        return try await operation("swap record") {
            try await inTransaction { connection in try await self.swap(swap, connection) }
        }
    }

    /// Compare-and-swap inside the caller's transaction.
    private func swap(_ swap: RecordSwap, _ connection: PostgresConnection) async throws -> Bool {
        let rows: PostgresRowSequence
        if let expected = swap.expected {
            rows = try await connection.query(
                """
                UPDATE records SET value = \(Self.buffer(swap.value))
                WHERE kind = \(swap.kind) AND key = \(swap.key) AND value = \(Self.buffer(expected)) RETURNING 1
                """,
                logger: logger)
        } else {
            rows = try await connection.query(
                """
                INSERT INTO records (kind, key, value) VALUES (\(swap.kind), \(swap.key), \(Self.buffer(swap.value)))
                ON CONFLICT (kind, key) DO NOTHING RETURNING 1
                """,
                logger: logger)
        }
        return try await !Self.collect(rows, "records") { row in try row.decode(Int32.self) }.isEmpty
    }

    // MARK: trusted nodes

    private static func node(_ row: PostgresRow) throws -> TrustedNodeRecord {
        let (keyID, name, publicKey, mac) = try row.decode((String, String, String, ByteBuffer).self)
        return TrustedNodeRecord(keyID: keyID, name: name, publicKey: publicKey, mac: bytes(mac))
    }

    public func putTrustedNode(_ record: TrustedNodeRecord) async throws {
        try RecordChecks.node(record)
        try await operation("write trusted node") {
            try await client.query(
                """
                INSERT INTO nodes (key_id, name, public_key, mac)
                VALUES (\(record.keyID), \(record.name), \(record.publicKey), \(Self.buffer(record.mac)))
                ON CONFLICT (key_id) DO UPDATE SET name = excluded.name, public_key = excluded.public_key, mac = excluded.mac
                """,
                logger: logger)
        }
    }

    public func trustedNode(keyID: String) async throws -> TrustedNodeRecord? {
        try await operation("read trusted node") {
            try await select("SELECT key_id, name, public_key, mac FROM nodes WHERE key_id = \(keyID)", "nodes", Self.node).first
        }
    }

    public func trustedNodes() async throws -> [TrustedNodeRecord] {
        try await operation("list trusted nodes") {
            try await select("SELECT key_id, name, public_key, mac FROM nodes ORDER BY key_id COLLATE \"C\"", "nodes", Self.node)
        }
    }

    // MARK: audit

    private static func audit(_ row: PostgresRow) throws -> AuditRecord {
        let (seq, hash, entry, policy) = try row.decode((Int64, String, String, String?).self)
        return AuditRecord(seq: seq, hash: hash, entryJSON: entry, policy: policy)
    }

    /// Appends inside the caller's transaction; the head row lock is held until it commits.
    private func appendAudit(_ build: AuditEntryBuilder, _ connection: PostgresConnection) async throws -> AuditRecord {
        let heads = try await Self.collect(
            try await connection.query("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE", logger: logger), "audit_head"
        ) { row in try row.decode((Int64, String).self) }
        guard let head = heads.first else {
            throw CASStoreError(.corrupt, "audit_head has no row")
        }
        let position = AuditPosition(seq: head.0 + 1, previousHash: head.1)
        let text: AuditEntryText
        do {
            text = try build(position)
        } catch {
            throw BuilderFailure(underlying: error)
        }
        try RecordChecks.auditEntry(text)
        try await connection.query(
            "INSERT INTO audit (seq, hash, entry, policy) VALUES (\(position.seq), \(text.hash), \(text.json), \(text.policy))",
            logger: logger)
        try await connection.query(
            "UPDATE audit_head SET seq = \(position.seq), hash = \(text.hash) WHERE id = 1", logger: logger)
        return AuditRecord(seq: position.seq, hash: text.hash, entryJSON: text.json, policy: text.policy)
    }

    public func appendAudit(_ build: AuditEntryBuilder) async throws -> AuditRecord {
        try await operation("append audit entry") {
            try await inTransaction { connection in try await self.appendAudit(build, connection) }
        }
    }

    public func auditEntries(from: Int64, limit: Int, policy: String?) async throws -> [AuditRecord] {
        try RecordChecks.page(from: from, limit: limit)
        return try await operation("read audit entries") {
            if let policy {
                return try await select(
                    "SELECT seq, hash, entry, policy FROM audit WHERE policy = \(policy) AND seq >= \(from) ORDER BY seq LIMIT \(Int64(limit))",
                    "audit", Self.audit)
            }
            return try await select(
                "SELECT seq, hash, entry, policy FROM audit WHERE seq >= \(from) ORDER BY seq LIMIT \(Int64(limit))",
                "audit", Self.audit)
        }
    }

    public func latestAudit() async throws -> AuditRecord? {
        try await operation("read latest audit entry") {
            try await select("SELECT seq, hash, entry, policy FROM audit ORDER BY seq DESC LIMIT 1", "audit", Self.audit).first
        }
    }

    // MARK: checkpoints

    public func putCheckpoint(_ record: AuditCheckpointRecord) async throws -> Bool {
        try RecordChecks.checkpoint(record)
        return try await operation("write checkpoint") {
            let inserted = try await select(
                """
                INSERT INTO checkpoints (seq, hash, time, kid, signature)
                VALUES (\(record.seq), \(record.hash), \(record.time), \(record.kid), \(Self.buffer(record.signature)))
                ON CONFLICT (seq) DO NOTHING RETURNING seq
                """,
                "checkpoints"
            ) { row in try row.decode(Int64.self) }
            return !inserted.isEmpty
        }
    }

    public func checkpoints(from: Int64, limit: Int) async throws -> [AuditCheckpointRecord] {
        try RecordChecks.page(from: from, limit: limit)
        return try await operation("read checkpoints") {
            try await select(
                "SELECT seq, hash, time, kid, signature FROM checkpoints WHERE seq >= \(from) ORDER BY seq LIMIT \(Int64(limit))",
                "checkpoints"
            ) { row in
                let (seq, hash, time, kid, signature) = try row.decode((Int64, String, Date, String, ByteBuffer).self)
                return AuditCheckpointRecord(seq: seq, hash: hash, time: time, kid: kid, signature: Self.bytes(signature))
            }
        }
    }
}
