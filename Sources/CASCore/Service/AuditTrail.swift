import Foundation
import Logging
import Synchronization

/// Appends events to the store's hash chain and signs checkpoints: every
/// `AuditChain.checkpointInterval` entries, at the end of an export, at shutdown. A checkpoint
/// is signed only after the entries since the last one CAS signed are re-read and re-hashed and
/// found to extend it, so a chain shortened or rewritten in the database is never signed.
final class AuditTrail: Sendable {
    let store: any CASStore
    let signingKey: ES256SigningKey
    let records: RecordBook
    let logger: Logger
    /// The last checkpoint this process signed or verified (the store's copy is MAC'd too).
    private let mark = Mutex<AuditCheckpointMark?>(nil)
    static let markKey = "last"

    init(store: any CASStore, signingKey: ES256SigningKey, records: RecordBook, logger: Logger) {
        self.store = store
        self.signingKey = signingKey
        self.records = records
        self.logger = logger
    }

    @discardableResult
    func record(_ event: AuditEvent, now: Date) async throws -> AuditEntry {
        try await record(event, now: now) { build in try await self.store.appendAudit(build) }
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
        if AuditChain.isCheckpointDue(afterSeq: record.seq) {
            // The decision is recorded; a chain that does not verify is reported, not signed.
            do {
                try await checkpoint(seq: record.seq, hash: record.hash, now: now)
            } catch {
                logger.critical("audit checkpoint refused", metadata: ["seq": "\(record.seq)", "reason": "\(error)"])
            }
        }
        return entry
    }

    func checkpointHead(now: Date) async throws {
        guard let head = try await store.latestAudit() else { return }
        try await checkpoint(seq: head.seq, hash: head.hash, now: now)
    }

    /// Signs the entry `seq` whose hash is `hash`, if the chain in the store links it to the last
    /// checkpoint CAS signed (forwards or backwards); `.auditChainBroken` otherwise.
    func checkpoint(seq: Int64, hash: String, now: Date) async throws {
        let last = try await lastMark()
        if seq > last.seq {
            try await verifySegment(from: last, toSeq: seq, endHash: hash)
        } else if seq < last.seq {
            try await verifySegment(from: AuditCheckpointMark(seq: seq, hash: hash), toSeq: last.seq, endHash: last.hash)
        } else if hash != last.hash {
            throw Self.broken(seq, "the entry at the last checkpoint (seq \(seq)) was changed")
        }
        let signature = try signingKey.sign(AuditCheckpoint.message(seq: seq, hash: hash))
        try await store.putCheckpoint(AuditCheckpointRecord(seq: seq, hash: hash, time: now, kid: signingKey.kid, signature: signature))
        if seq > last.seq { try await advanceMark(to: AuditCheckpointMark(seq: seq, hash: hash)) }
    }

    /// The last checkpoint: this process's memory, else the store's MAC'd mark, else genesis.
    private func lastMark() async throws -> AuditCheckpointMark {
        if let known = mark.withLock({ $0 }) { return known }
        do {
            if let stored = try await records.read(.auditMark, key: Self.markKey, as: AuditCheckpointMark.self) {
                mark.withLock { $0 = stored.payload }
                return stored.payload
            }
        } catch let tampering as StoreTampering {
            throw Self.broken(0, "the record of the last checkpoint was changed outside CAS (\(tampering.reason))")
        }
        return AuditCheckpointMark(seq: 0, hash: AuditChain.genesisHash)
    }

    /// Moves the mark forward (never back), in memory and in the store (compare-and-swap).
    private func advanceMark(to new: AuditCheckpointMark) async throws {
        for _ in 0..<5 {
            let stored = try? await records.read(.auditMark, key: Self.markKey, as: AuditCheckpointMark.self)
            if let stored, stored.payload.seq >= new.seq {
                mark.withLock { $0 = stored.payload }
                return
            }
            let swap = try records.swap(new, kind: .auditMark, key: Self.markKey, expected: stored?.stored)
            if try await store.swapRecord(swap) {
                mark.withLock { $0 = new }
                return
            }
        }
    }

    /// Re-reads entries start.seq+1 … toSeq and checks seq continuity, each entry's hash over its
    /// content, each link to the one before (from start.hash), and that the last is `endHash`.
    private func verifySegment(from start: AuditCheckpointMark, toSeq: Int64, endHash: String) async throws {
        var previous = start.hash
        var next = start.seq + 1
        while next <= toSeq {
            let page = try await store.auditEntries(from: next, limit: Int(min(1_000, toSeq - next + 1)))
            guard !page.isEmpty else { throw Self.broken(next, "entry \(next) is missing") }
            for record in page {
                guard record.seq == next else { throw Self.broken(next, "entry \(next) is missing") }
                guard let object = try? JSONDecoder().decode(JSONValue.self, from: Data(record.entryJSON.utf8)).objectValue,
                      let entry = try? AuditEntry(json: object) else {
                    throw Self.broken(next, "entry \(next) does not parse")
                }
                guard entry.seq == next, entry.prev == previous, entry.hash == record.hash, entry.computedHash() == record.hash else {
                    throw Self.broken(next, "entry \(next) does not extend the chain CAS last signed")
                }
                previous = record.hash
                next += 1
            }
        }
        guard previous == endHash else { throw Self.broken(toSeq, "the chain does not end in the hash to be signed") }
    }

    private static func broken(_ seq: Int64, _ reason: String) -> CASError {
        CASError(.auditChainBroken, "CAS will not sign a checkpoint at this chain: \(reason) (seq \(seq)); the audit log in the store was changed outside CAS")
    }
}
