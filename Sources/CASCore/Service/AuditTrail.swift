import Foundation

/// Appends events to the store's hash chain and signs a checkpoint every
/// `AuditChain.checkpointInterval` entries.
struct AuditTrail: Sendable {
    let store: any CASStore
    let signingKey: ES256SigningKey

    @discardableResult
    func record(_ event: AuditEvent, now: Date) async throws -> AuditEntry {
        try await record(event, now: now) { build in try await store.appendAudit(build) }
    }

    /// Appends through `write`, which hands the builder to a store operation (plain append, or
    /// policy version + entry in one transaction).
    @discardableResult
    func record(_ event: AuditEvent, now: Date, write: (@escaping AuditEntryBuilder) async throws -> AuditRecord) async throws -> AuditEntry {
        let time = AuditChain.timestamp(now)
        let record = try await write { position in
            let entry = AuditEntry(event: event, seq: position.seq, time: time, prev: position.previousHash)
            return AuditEntryText(hash: entry.hash, json: CanonicalJSON.string(entry.jsonValue()), policy: event.policy)
        }
        let entry = AuditEntry(event: event, seq: record.seq, time: time, prev: "")
        if record.seq % AuditChain.checkpointInterval == 0 {
            try await sign(seq: record.seq, hash: record.hash, now: now)
        }
        return entry
    }

    func checkpointHead(now: Date) async throws {
        guard let head = try await store.latestAudit() else { return }
        try await sign(seq: head.seq, hash: head.hash, now: now)
    }

    private func sign(seq: Int64, hash: String, now: Date) async throws {
        let signature = try signingKey.sign(AuditCheckpoint.message(seq: seq, hash: hash))
        try await store.putCheckpoint(AuditCheckpointRecord(seq: seq, hash: hash, time: now, kid: signingKey.kid, signature: signature))
    }
}
