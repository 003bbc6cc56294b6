import Attestation
import Support
/// Recomputes an exported or fetched audit log: seq continuity from 1, every hash and link,
/// every checkpoint's signature and its agreement with the entry at its seq — and that the log
/// cannot have been shortened: a signed checkpoint is required at every multiple of
/// `AuditChain.checkpointInterval` and at the last entry, and (`since`) the log must extend a head
/// an auditor pinned earlier.
public enum AuditVerifier {
    /// A head an auditor saw before: "SEQ:HASH".
    public struct PinnedHead: Sendable, Equatable {
        public var seq: Int64
        public var hash: String

        public init(seq: Int64, hash: String) {
            self.seq = seq
            self.hash = hash
        }

        public init(text: String) throws(CASError) {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let seq = Int64(parts[0]), seq >= 1, LowercaseHex.isHex(String(parts[1]), length: 64) else {
                throw CASError(.malformedRequest, "a pinned head is SEQ:HASH (the last_seq and last_hash `audit verify` printed)")
            }
            self.init(seq: seq, hash: String(parts[1]))
        }
    }

    public static func verify(entries: [AuditEntry], checkpoints: [AuditCheckpoint], jwks: JWKS, since: PinnedHead? = nil) -> AuditVerdict {
        let entryFailure = firstBadEntry(entries)
        let checkpointFailure = firstBadCheckpoint(checkpoints, entries: entries, jwks: jwks)
            ?? missingCheckpoint(checkpoints, entries: entries) ?? notExtending(since, entries: entries)
        // Report whichever problem sits earliest in the log.
        switch (entryFailure, checkpointFailure) {
        case let (e?, c?): return .broken(c.seq < e.seq ? c : e)
        case let (e?, nil): return .broken(e)
        case let (nil, c?): return .broken(c)
        case (nil, nil):
            let last = checkpoints.map(\.seq).max() ?? 0
            return .intact(AuditSummary(entryCount: entries.count, lastSeq: entries.last?.seq ?? 0,
                                        lastHash: entries.last?.hash ?? AuditChain.genesisHash,
                                        checkpointCount: checkpoints.count, lastCheckpointSeq: last))
        }
    }

    static func firstBadEntry(_ entries: [AuditEntry]) -> AuditFailure? {
        var previousHash = AuditChain.genesisHash
        for (offset, entry) in entries.enumerated() {
            let expected = Int64(offset) + 1
            if entry.seq != expected {
                let later = entries[(offset + 1)...].contains { $0.seq == expected }
                if later || entry.seq < expected {
                    return AuditFailure(seq: expected, kind: .reordered,
                                        reason: "entry \(expected) is out of place (found seq \(entry.seq) where \(expected) belongs)")
                }
                return AuditFailure(seq: expected, kind: .missing, reason: "entry \(expected) is missing (next is seq \(entry.seq))")
            }
            if entry.prev != previousHash {
                return AuditFailure(seq: expected, kind: .brokenLink,
                                    reason: "entry \(expected) does not link to entry \(expected - 1) (one of them was changed or replaced)")
            }
            if entry.computedHash() != entry.hash {
                return AuditFailure(seq: expected, kind: .changed, reason: "entry \(expected) was changed (its hash does not match its content)")
            }
            previousHash = entry.hash
        }
        return nil
    }

    /// The first place a required checkpoint is absent: every multiple of the interval, and the head.
    static func missingCheckpoint(_ checkpoints: [AuditCheckpoint], entries: [AuditEntry]) -> AuditFailure? {
        let signed = Set(checkpoints.map(\.seq))
        let last = Int64(entries.count)
        var seq = AuditChain.checkpointInterval
        while seq <= last {
            if !signed.contains(seq) {
                return AuditFailure(seq: seq, kind: .missingCheckpoint,
                                    reason: "no signed checkpoint at seq \(seq) (one is required every \(AuditChain.checkpointInterval) entries): entries may have been removed and the chain rebuilt")
            }
            seq += AuditChain.checkpointInterval
        }
        if last > 0, !signed.contains(last) {
            return AuditFailure(seq: last, kind: .missingCheckpoint,
                                reason: "no signed checkpoint at the last entry (seq \(last)): the log may have been cut short (export it from CAS, which signs its head)")
        }
        return nil
    }

    /// The log must contain the pinned head unchanged.
    static func notExtending(_ pinned: PinnedHead?, entries: [AuditEntry]) -> AuditFailure? {
        guard let pinned else { return nil }
        guard pinned.seq <= Int64(entries.count) else {
            return AuditFailure(seq: Int64(entries.count) + 1, kind: .notExtending,
                                reason: "the log ends at seq \(entries.count), before the pinned head at seq \(pinned.seq): it was shortened")
        }
        guard entries[Int(pinned.seq) - 1].hash == pinned.hash else {
            return AuditFailure(seq: pinned.seq, kind: .notExtending,
                                reason: "entry \(pinned.seq) is not the pinned head: the log was rewritten since it was pinned")
        }
        return nil
    }

    static func firstBadCheckpoint(_ checkpoints: [AuditCheckpoint], entries: [AuditEntry], jwks: JWKS) -> AuditFailure? {
        for checkpoint in checkpoints.sorted(by: { $0.seq < $1.seq }) {
            guard checkpoint.seq >= 1 else {
                return AuditFailure(seq: 1, kind: .badCheckpoint, reason: "checkpoint names seq \(checkpoint.seq)")
            }
            guard checkpoint.seq <= Int64(entries.count) else {
                let first = Int64(entries.count) + 1
                return AuditFailure(seq: first, kind: .missing,
                                    reason: "entries \(first)…\(checkpoint.seq) are missing: a checkpoint covers seq \(checkpoint.seq)")
            }
            let entry = entries[Int(checkpoint.seq) - 1]
            do {
                try checkpoint.verifySignature(jwks: jwks)
            } catch {
                return AuditFailure(seq: checkpoint.seq, kind: .badCheckpoint, reason: error.message)
            }
            guard entry.seq == checkpoint.seq, entry.hash == checkpoint.hash else {
                return AuditFailure(seq: checkpoint.seq, kind: .badCheckpoint,
                                    reason: "the signed checkpoint at seq \(checkpoint.seq) does not match the entry there (log rewritten)")
            }
        }
        return nil
    }
}

public enum AuditVerdict: Sendable, Equatable {
    case intact(AuditSummary)
    case broken(AuditFailure)
}

public struct AuditSummary: Sendable, Equatable {
    public var entryCount: Int
    public var lastSeq: Int64
    public var lastHash: String
    public var checkpointCount: Int
    public var lastCheckpointSeq: Int64
    /// Entries after the last checkpoint: their deletion could not be noticed.
    public var uncheckpointedEntries: Int64 { lastSeq - lastCheckpointSeq }
}

public struct AuditFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case changed, brokenLink = "broken-link", missing, reordered, badCheckpoint = "bad-checkpoint"
        case missingCheckpoint = "missing-checkpoint", notExtending = "not-extending"
    }
    /// The first seq at which the log is not what was written.
    public var seq: Int64
    public var kind: Kind
    public var reason: String
    public var description: String { "seq \(seq): \(reason)" }
}
