import Foundation
import Testing
@testable import CASCore

@Suite struct AuditChainTests {
    let key = ES256SigningKey()
    var jwks: JWKS { JWKS(keys: [key.jwk]) }
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// A log of `count` entries, checkpointed every 64 and at the end, as CAS writes it.
    func makeLog(count: Int = 130) throws -> AuditExport {
        var entries = [AuditEntry]()
        var checkpoints = [AuditCheckpoint]()
        for i in 0..<count {
            let event = AuditEvent(
                type: i % 2 == 0 ? .attestAllowed : .attestRefused, policy: "taxi", service: "query",
                actor: "node-\(i % 3)", decision: i % 2 == 0 ? "allowed" : "refused",
                reason: i % 2 == 0 ? nil : "measurement 3f…a1 not in services[query].attestation[simulated]",
                details: ["tee": "simulated", "pid": .integer(Int64(1000 + i)), "tags": ["a", "ü"]])
            let entry = AuditEntry(event: event, after: entries.last, time: start.addingTimeInterval(Double(i)))
            entries.append(entry)
            if AuditChain.isCheckpointDue(afterSeq: entry.seq) {
                checkpoints.append(try AuditCheckpoint.sign(entry, key: key, time: start))
            }
        }
        if let last = entries.last, checkpoints.last?.seq != last.seq {
            checkpoints.append(try AuditCheckpoint.sign(last, key: key, time: start))
        }
        return AuditExport(entries: entries, checkpoints: checkpoints)
    }

    func verify(_ log: AuditExport) -> AuditVerdict {
        AuditVerifier.verify(entries: log.entries, checkpoints: log.checkpoints, jwks: jwks)
    }

    func expectBroken(_ log: AuditExport, seq: Int64, kind: AuditFailure.Kind, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .broken(let failure) = verify(log) else {
            Issue.record("tampering not detected", sourceLocation: sourceLocation); return
        }
        #expect(failure.seq == seq, "\(failure)", sourceLocation: sourceLocation)
        #expect(failure.kind == kind, "\(failure)", sourceLocation: sourceLocation)
    }

    @Test func anIntactLogVerifies() throws {
        let log = try makeLog()
        #expect(log.checkpoints.map(\.seq) == [64, 128, 130])
        guard case .intact(let summary) = verify(log) else { Issue.record("\(verify(log))"); return }
        #expect(summary.entryCount == 130 && summary.lastSeq == 130 && summary.lastCheckpointSeq == 130)
        #expect(summary.uncheckpointedEntries == 0 && summary.lastHash == log.entries[129].hash)
        #expect(log.entries[0].prev == AuditChain.genesisHash && log.entries[1].prev == log.entries[0].hash)
        #expect(verify(AuditExport(entries: [], checkpoints: [])) == .intact(AuditSummary(
            entryCount: 0, lastSeq: 0, lastHash: AuditChain.genesisHash, checkpointCount: 0, lastCheckpointSeq: 0)))
    }

    @Test func hashFollowsTheDocumentedRule() throws {
        let entry = AuditEntry(event: AuditEvent(type: .nodeTrusted, actor: "admin", details: ["name": "n1"]),
                               seq: 1, time: "2026-11-27T10:00:00Z", prev: AuditChain.genesisHash)
        let body = #"{"actor":"admin","details":{"name":"n1"},"prev":"\#(AuditChain.genesisHash)","seq":1,"time":"2026-11-27T10:00:00Z","type":"node.trusted"}"#
        let script = "import hashlib, sys; print(hashlib.sha256((sys.argv[1] + '\\n' + sys.argv[2]).encode()).hexdigest())"
        #expect(CanonicalJSON.string(entry.jsonValue(includingHash: false)) == body)
        #expect(try Python.run(script, [AuditChain.genesisHash, body]) == entry.hash)
        #expect(AuditChain.timestamp(Date(timeIntervalSince1970: 1_795_600_800.9)) == "2026-11-25T10:00:00Z")
    }

    @Test func aChangedEntryIsDetected() throws {
        var log = try makeLog()
        log.entries[9].event.decision = "allowed"
        expectBroken(log, seq: 10, kind: .changed)
        log = try makeLog()
        log.entries[9].event.details["pid"] = 1
        expectBroken(log, seq: 10, kind: .changed)
        log = try makeLog()
        log.entries[9].time = "2030-01-01T00:00:00Z"
        expectBroken(log, seq: 10, kind: .changed)
    }

    @Test func aChangedAndRehashedEntryBreaksTheNextLink() throws {
        var log = try makeLog()
        log.entries[9].event.reason = nil
        log.entries[9].hash = log.entries[9].computedHash()
        expectBroken(log, seq: 11, kind: .brokenLink)
    }

    @Test func aRewrittenTailIsCaughtByTheCheckpoint() throws {
        // Change entry 100 and recompute every hash after it: only the signed checkpoint at 128 knows.
        var log = try makeLog()
        log.entries[99].event.decision = "allowed"
        for i in 99..<log.entries.count {
            if i > 99 { log.entries[i].prev = log.entries[i - 1].hash }
            log.entries[i].hash = log.entries[i].computedHash()
        }
        expectBroken(log, seq: 128, kind: .badCheckpoint)
    }

    @Test func aMissingEntryIsDetected() throws {
        var log = try makeLog()
        log.entries.remove(at: 41)
        expectBroken(log, seq: 42, kind: .missing)
    }

    @Test func aMissingTailIsDetected() throws {
        var log = try makeLog()
        log.entries.removeLast(5)
        expectBroken(log, seq: 126, kind: .missing)
    }

    @Test func renumberedEntriesAfterADeletionAreDetected() throws {
        // Delete entry 42 and renumber/rehash everything after it: checkpoint 64 catches it.
        var log = try makeLog()
        log.entries.remove(at: 41)
        for i in 41..<log.entries.count {
            log.entries[i].seq -= 1
            log.entries[i].prev = log.entries[i - 1].hash
            log.entries[i].hash = log.entries[i].computedHash()
        }
        expectBroken(log, seq: 64, kind: .badCheckpoint)
    }

    @Test func reorderedEntriesAreDetected() throws {
        var log = try makeLog()
        log.entries.swapAt(20, 21)
        expectBroken(log, seq: 21, kind: .reordered)
        log = try makeLog()
        log.entries.insert(log.entries[5], at: 6)  // a duplicate
        expectBroken(log, seq: 7, kind: .reordered)
    }

    @Test func anInsertedEntryIsDetected() throws {
        var log = try makeLog()
        let forged = AuditEntry(event: AuditEvent(type: .kmsUnwrap, policy: "taxi"), seq: 31, time: "2026-11-27T10:00:00Z",
                                prev: log.entries[29].hash)
        log.entries.insert(forged, at: 30)
        expectBroken(log, seq: 32, kind: .reordered)
    }

    @Test func badCheckpointsAreDetected() throws {
        var log = try makeLog()
        log.checkpoints[0].signature[5] ^= 1
        expectBroken(log, seq: 64, kind: .badCheckpoint)

        log = try makeLog()
        log.checkpoints[1].hash = log.entries[126].hash  // right key, wrong claim: signature fails
        expectBroken(log, seq: 128, kind: .badCheckpoint)

        log = try makeLog()
        let forger = ES256SigningKey()
        log.checkpoints[1] = try AuditCheckpoint.sign(log.entries[127], key: forger, time: start)
        expectBroken(log, seq: 128, kind: .badCheckpoint)

        log = try makeLog()
        log.checkpoints.append(AuditCheckpoint(seq: 0, hash: "", time: "", kid: key.kid, signature: []))
        expectBroken(log, seq: 1, kind: .badCheckpoint)
    }

    @Test func theEarliestProblemIsReported() throws {
        var log = try makeLog()
        log.checkpoints[0].signature[0] ^= 1   // at 64
        log.entries[99].event.actor = "x"     // at 100
        expectBroken(log, seq: 64, kind: .badCheckpoint)
        log.entries[9].event.actor = "y"      // at 10
        expectBroken(log, seq: 10, kind: .changed)
    }

    @Test func exportReadsBackAndStillVerifies() throws {
        let log = try makeLog(count: 70)
        let text = log.jsonLines
        let lines = text.split(separator: "\n")
        #expect(lines.count == 70 + 2)
        #expect(lines[0].hasPrefix("{\"actor\":\"node-0\",\"decision\":\"allowed\",\"details\":{"))
        #expect(lines[70].hasPrefix("{\"hash\":") && lines[70].contains("\"kid\":\"\(key.kid)\""))
        let back = try AuditExport(jsonLines: text)
        #expect(back == log)
        #expect(back.jsonLines == text)
        guard case .intact = verify(back) else { Issue.record("re-read log does not verify"); return }
    }

    @Test func tamperingInTheExportFileIsDetected() throws {
        let text = try makeLog(count: 70).jsonLines
        let changed = text.replacingOccurrences(of: "\"pid\":1010", with: "\"pid\":1011")
        expectBroken(try AuditExport(jsonLines: changed), seq: 11, kind: .changed)
    }

    @Test(arguments: [
        ("{\"seq\":1}\n", 1), ("[]\n", 1), ("not json\n", 1), ("{\"seq\":1.5,\"time\":\"t\"}\n", 1),
        ("{\"seq\":1,\"time\":\"t\",\"type\":\"x\",\"details\":{},\"prev\":\"p\",\"hash\":\"h\",\"extra\":1}\n", 1),
        ("{\"seq\":1,\"time\":\"t\",\"type\":\"x\",\"details\":[],\"prev\":\"p\",\"hash\":\"h\"}\n", 1),
        ("{\"seq\":1,\"time\":\"t\",\"type\":\"x\",\"details\":{},\"prev\":\"p\",\"hash\":\"h\",\"policy\":3}\n", 1),
        ("{\"seq\":1,\"hash\":\"h\",\"time\":\"t\",\"kid\":\"k\",\"signature\":\"AA==\"}\n{\"seq\":1,\"time\":\"t\",\"type\":\"x\",\"details\":{},\"prev\":\"p\",\"hash\":\"h\"}\n", 2),
        ("\n{\"seq\":1,\"hash\":\"h\",\"time\":\"t\",\"kid\":\"k\",\"signature\":\"%%\"}\n", 2),
    ])
    func malformedExportLinesAreNamed(_ text: String, line: Int) {
        do {
            _ = try AuditExport(jsonLines: text)
            Issue.record("accepted malformed export")
        } catch {
            #expect(error.code == .malformedRequest)
            #expect(error.message.hasPrefix("audit export line \(line):"), "\(error.message)")
        }
    }
}
