import CASCore
import CASStorage
import Foundation
import Testing

/// One suite, both stores: every operation of `CASStore` behaves the same on SQLite and PostgreSQL.
@Suite("CASStore conformance")
struct CASStoreConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func metaRoundTripsAndReservesSchemaKeys(kind: StoreKind) async throws {
        try await withFreshStore(kind) { store, _ async throws in
            #expect(try await store.meta("check") == nil)
            try await store.putMeta("check", [1, 2, 3])
            #expect(try await store.meta("check") == [1, 2, 3])
            try await store.putMeta("check", [])
            #expect(try await store.meta("check") == [])
            let reserved = await storeError { try await store.putMeta("schema.version", Array("9".utf8)) }
            #expect(reserved?.code == .invalidRecord)
            #expect(try await store.meta("schema.version") == Array("2".utf8))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func policyVersionsListInOrderAndRefuseDuplicates(kind: StoreKind) async throws {
        try await withFreshStore(kind) { store, _ async throws in
            #expect(try await store.latestPolicyVersion(name: "taxi") == nil)
            #expect(try await store.policyVersions(name: "taxi").isEmpty)
            let v1 = policyRecord("taxi", 1)
            let v2 = policyRecord("taxi", 2, previous: v1.hash)
            try await store.insertPolicyVersion(v1)
            try await store.insertPolicyVersion(v2)
            try await store.insertPolicyVersion(policyRecord("alpha", 1))

            #expect(try await store.policyVersions(name: "taxi") == [v1, v2])
            #expect(try await store.latestPolicyVersion(name: "taxi") == v2)
            #expect(try await store.policyVersion(name: "taxi", version: 1) == v1)
            #expect(try await store.policyVersion(name: "taxi", version: 3) == nil)
            #expect(try await store.policyNames() == ["alpha", "taxi"])

            let duplicate = await storeError {
                try await store.insertPolicyVersion(policyRecord("taxi", 2, previous: v1.hash, yaml: "other"))
            }
            #expect(duplicate?.code == .conflict)
            #expect(duplicate?.message.contains("taxi") == true)
            #expect(try await store.latestPolicyVersion(name: "taxi") == v2)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func malformedPolicyRecordsAreRefused(kind: StoreKind) async throws {
        try await withFreshStore(kind) { store, _ async throws in
            var zero = policyRecord("taxi", 1)
            zero.version = 0
            #expect(await storeError { try await store.insertPolicyVersion(zero) }?.code == .invalidRecord)
            let noPrevious = policyRecord("taxi", 2)
            #expect(await storeError { try await store.insertPolicyVersion(noPrevious) }?.code == .invalidRecord)
            var badHash = policyRecord("taxi", 1)
            badHash.hash = "ABC"
            #expect(await storeError { try await store.insertPolicyVersion(badHash) }?.code == .invalidRecord)
            let unnamed = policyRecord("", 1)
            #expect(await storeError { try await store.insertPolicyVersion(unnamed) }?.code == .invalidRecord)
            #expect(try await store.policyNames().isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func secretsArePerPolicyAndReplaceable(kind: StoreKind) async throws {
        try await withFreshStore(kind) { store, _ async throws in
            let created = Date(timeIntervalSince1970: 1_790_000_000)
            let a = SecretRecord(policy: "taxi", name: "db_password", sealed: [9, 9, 9], createdAt: created)
            let b = SecretRecord(policy: "taxi", name: "api_key", sealed: Array(0...255), createdAt: created)
            let other = SecretRecord(policy: "other", name: "db_password", sealed: [1], createdAt: created)
            try await store.putSecret(a)
            try await store.putSecret(b)
            try await store.putSecret(other)
            #expect(try await store.secret(policy: "taxi", name: "db_password") == a)
            #expect(try await store.secret(policy: "taxi", name: "missing") == nil)
            #expect(try await store.secrets(policy: "taxi") == [b, a])

            let replaced = SecretRecord(policy: "taxi", name: "db_password", sealed: [4], createdAt: created.addingTimeInterval(5))
            try await store.putSecret(replaced)
            #expect(try await store.secret(policy: "taxi", name: "db_password") == replaced)
            #expect(try await store.secret(policy: "other", name: "db_password") == other)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func masterKeyIDsAreUniquePerPolicy(kind: StoreKind) async throws {
        try await withFreshStore(kind) { store, _ async throws in
            let footer = MasterKeyRecord(id: "trips-footer", policy: "taxi", sealed: Array(repeating: 1, count: 60))
            let columns = MasterKeyRecord(id: "trips-columns", policy: "taxi", sealed: Array(repeating: 2, count: 60))
            try await store.insertMasterKey(footer)
            try await store.insertMasterKey(columns)
            try await store.insertMasterKey(MasterKeyRecord(id: "results", policy: "other", sealed: [3]))
            #expect(try await store.masterKey(policy: "taxi", id: "trips-footer") == footer)
            #expect(try await store.masterKey(policy: "taxi", id: "nope") == nil)
            #expect(try await store.masterKey(policy: "other", id: "trips-footer") == nil)
            #expect(try await store.masterKeys(policy: "taxi") == [columns, footer])

            // Another policy's key of the same id is its own key: no squatting.
            let own = MasterKeyRecord(id: "trips-footer", policy: "thief", sealed: [0])
            try await store.insertMasterKey(own)
            #expect(try await store.masterKey(policy: "thief", id: "trips-footer") == own)
            #expect(try await store.masterKey(policy: "taxi", id: "trips-footer") == footer)
            let taken = await storeError { try await store.insertMasterKey(MasterKeyRecord(id: "trips-footer", policy: "taxi", sealed: [9])) }
            #expect(taken?.code == .conflict)
            #expect(try await store.masterKey(policy: "taxi", id: "trips-footer") == footer)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func recordsInsertOnceAndSwapOnlyFromTheExpectedValue(kind: StoreKind) async throws {
        try await withFreshStore(kind) { store, _ async throws in
            #expect(try await store.record(kind: "grant", key: "g1") == nil)
            try await store.insertRecord(StoredRecord(kind: "grant", key: "g1", value: [1]))
            try await store.insertRecord(StoredRecord(kind: "grant", key: "g0", value: [0]))
            try await store.insertRecord(StoredRecord(kind: "auditor", key: "g1", value: [7]))
            #expect(await storeError { try await store.insertRecord(StoredRecord(kind: "grant", key: "g1", value: [2])) }?.code == .conflict)
            #expect(try await store.record(kind: "grant", key: "g1") == [1])
            #expect(try await store.records(kind: "grant").map(\.key) == ["g0", "g1"])
            // Compare-and-swap: absent → value, value → value, stale expectations change nothing.
            #expect(try await store.swapRecord(RecordSwap(kind: "head", key: "p", expected: nil, value: [1])))
            #expect(try await store.swapRecord(RecordSwap(kind: "head", key: "p", expected: nil, value: [9])) == false)
            #expect(try await store.swapRecord(RecordSwap(kind: "head", key: "p", expected: [1], value: [2])))
            #expect(try await store.swapRecord(RecordSwap(kind: "head", key: "p", expected: [1], value: [3])) == false)
            #expect(try await store.record(kind: "head", key: "p") == [2])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func replayDigestsAreAcceptedOnceUntilTheyExpire(kind: StoreKind) async throws {
        try await withFreshStore(kind) { store, _ async throws in
            let now = Date(timeIntervalSince1970: 1_790_000_000)
            let digest = Array(repeating: UInt8(7), count: 32)
            #expect(try await store.insertReplay(digest, now: now, expiresAt: now.addingTimeInterval(600)))
            #expect(try await store.insertReplay(digest, now: now.addingTimeInterval(1), expiresAt: now.addingTimeInterval(600)) == false)
            // After expiry the same digest is new again (its window has passed: the time check refuses it anyway).
            #expect(try await store.insertReplay(digest, now: now.addingTimeInterval(601), expiresAt: now.addingTimeInterval(1200)))
            // Concurrent inserts of one digest: exactly one wins.
            let other = Array(repeating: UInt8(8), count: 32)
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 { group.addTask { try await store.insertReplay(other, now: now, expiresAt: now.addingTimeInterval(600)) } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 1)
            #expect(try await store.purgeExpiredReplays(now: now.addingTimeInterval(1_000)) == 1)
            #expect(await storeError { _ = try await store.insertReplay([1, 2], now: now, expiresAt: now) }?.code == .invalidRecord)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func noncesAreSingleUseAndExpire(kind: StoreKind) async throws {
        try await withFreshStore(kind) { store, _ async throws in
            let now = Date(timeIntervalSince1970: 1_790_000_000)
            let fresh = Array(repeating: UInt8(1), count: 32)
            let stale = Array(repeating: UInt8(2), count: 32)
            try await store.insertNonce(fresh, expiresAt: now.addingTimeInterval(60))
            try await store.insertNonce(stale, expiresAt: now.addingTimeInterval(60))

            #expect(await storeError { try await store.insertNonce(fresh, expiresAt: now) }?.code == .conflict)
            #expect(try await store.consumeNonce(fresh, now: now))
            #expect(try await store.consumeNonce(fresh, now: now) == false, "second use")
            #expect(try await store.consumeNonce(stale, now: now.addingTimeInterval(60)) == false, "expired at expiresAt")
            #expect(try await store.consumeNonce(stale, now: now) == false, "an expired nonce is deleted when tried")
            #expect(try await store.consumeNonce(Array(repeating: 3, count: 32), now: now) == false, "unknown")
            #expect(await storeError { try await store.insertNonce([1, 2, 3], expiresAt: now) }?.code == .invalidRecord)

            for index in 0..<5 {
                let nonce = Array(repeating: UInt8(10 + index), count: 32)
                try await store.insertNonce(nonce, expiresAt: now.addingTimeInterval(Double(index * 10)))
            }
            #expect(try await store.purgeExpiredNonces(now: now.addingTimeInterval(20)) == 3)
            #expect(try await store.consumeNonce(Array(repeating: 13, count: 32), now: now))
            #expect(try await store.purgeExpiredNonces(now: now.addingTimeInterval(1_000)) == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentConsumersOfOneNonceGetOneSuccess(kind: StoreKind) async throws {
        try await withFreshStore(kind) { store, _ async throws in
            let now = Date()
            let nonce = Array(repeating: UInt8(42), count: 32)
            try await store.insertNonce(nonce, expiresAt: now.addingTimeInterval(60))
            let successes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 { group.addTask { try await store.consumeNonce(nonce, now: now) } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(successes == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func trustedNodesAreKeyedByKeyID(kind: StoreKind) async throws {
        try await withFreshStore(kind) { store, _ async throws in
            let b = TrustedNodeRecord(keyID: String(repeating: "b", count: 64), name: "node-b", publicKey: "ed25519:Bbbb")
            let a = TrustedNodeRecord(keyID: String(repeating: "a", count: 64), name: "node-a", publicKey: "ed25519:Aaaa")
            try await store.putTrustedNode(b)
            try await store.putTrustedNode(a)
            #expect(try await store.trustedNodes() == [a, b])
            #expect(try await store.trustedNode(keyID: a.keyID) == a)
            #expect(try await store.trustedNode(keyID: "unknown") == nil)
            let renamed = TrustedNodeRecord(keyID: a.keyID, name: "node-a2", publicKey: a.publicKey)
            try await store.putTrustedNode(renamed)
            #expect(try await store.trustedNodes() == [renamed, b])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func auditChainsFromGenesisAndPages(kind: StoreKind) async throws {
        try await withFreshStore(kind) { store, _ async throws in
            #expect(try await store.latestAudit() == nil)
            let first = try await store.appendAudit { position in
                #expect(position.seq == 1)
                #expect(position.previousHash == AuditPosition.genesisHash)
                return try auditBuilder(type: "cas.unsealed")(position)
            }
            #expect(first.seq == 1)
            for index in 2...10 {
                let record = try await store.appendAudit(auditBuilder(type: "attest.allowed", policy: index % 2 == 0 ? "taxi" : "other"))
                #expect(record.seq == Int64(index))
            }
            let all = try await store.auditEntries(from: 1, limit: 100)
            #expect(all.map(\.seq) == Array(1...10))
            #expect(all.first == first)
            #expect(try await store.latestAudit() == all.last)
            #expect(try await store.auditEntries(from: 4, limit: 3).map(\.seq) == [4, 5, 6])
            #expect(try await store.auditEntries(from: 11, limit: 3).isEmpty)
            #expect(try await store.auditEntries(from: 1, limit: 100, policy: "taxi").map(\.seq) == [2, 4, 6, 8, 10])
            #expect(try await store.auditEntries(from: 5, limit: 2, policy: "taxi").map(\.seq) == [6, 8])
            #expect(await storeError { _ = try await store.auditEntries(from: 1, limit: -1) }?.code == .invalidRecord)
            try expectChained(all)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func auditBuilderFailureWritesNothing(kind: StoreKind) async throws {
        try await withFreshStore(kind) { store, _ async throws in
            try await store.appendAudit(auditBuilder(type: "node.trusted"))
            await #expect(throws: TestFailure.self) {
                try await store.appendAudit { _ in throw TestFailure() }
            }
            let notHex = await storeError {
                try await store.appendAudit { _ in AuditEntryText(hash: "not a hash", json: "{}") }
            }
            #expect(notHex?.code == .invalidRecord)
            let next = try await store.appendAudit(auditBuilder(type: "node.trusted"))
            #expect(next.seq == 2, "failed appends leave no gap")
            try expectChained(try await store.auditEntries(from: 1, limit: 10))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func twoHundredConcurrentAppendsFormOneChain(kind: StoreKind) async throws {
        try await withFreshStore(kind) { store, _ async throws in
            let seqs = try await withThrowingTaskGroup(of: Int64.self) { group in
                for index in 0..<200 {
                    group.addTask { try await store.appendAudit(auditBuilder(type: "kms.unwrap", policy: "p\(index % 3)")).seq }
                }
                return try await group.reduce(into: [Int64]()) { $0.append($1) }
            }
            #expect(seqs.sorted() == Array(1...200))
            let entries = try await store.auditEntries(from: 1, limit: 500)
            #expect(entries.map(\.seq) == Array(1...200))
            try expectChained(entries)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func policyVersionAndItsAuditEntryCommitTogether(kind: StoreKind) async throws {
        try await withFreshStore(kind) { store, _ async throws in
            let v1 = policyRecord("taxi", 1)
            let head1 = RecordSwap(kind: "policy-head", key: "taxi", expected: nil, value: [1])
            let applied = try await store.applyPolicyVersion(v1, head: head1, audit: auditBuilder(type: "policy.applied", policy: "taxi"))
            #expect(applied.seq == 1)
            #expect(try await store.latestPolicyVersion(name: "taxi") == v1)
            #expect(try await store.record(kind: "policy-head", key: "taxi") == [1])

            // The audit builder throws: neither the version nor the head move.
            let v2 = policyRecord("taxi", 2, previous: v1.hash)
            let head2 = RecordSwap(kind: "policy-head", key: "taxi", expected: [1], value: [2])
            await #expect(throws: TestFailure.self) {
                try await store.applyPolicyVersion(v2, head: head2, audit: { _ in throw TestFailure() })
            }
            #expect(try await store.latestPolicyVersion(name: "taxi") == v1)
            #expect(try await store.record(kind: "policy-head", key: "taxi") == [1])
            #expect(try await store.latestAudit()?.seq == 1)

            // The policy insert conflicts: no audit entry is written.
            let conflict = await storeError {
                try await store.applyPolicyVersion(policyRecord("taxi", 1, yaml: "x"), head: head2, audit: auditBuilder(type: "policy.applied"))
            }
            #expect(conflict?.code == .conflict)
            #expect(try await store.latestAudit()?.seq == 1)

            // The head moved meanwhile (a concurrent writer): nothing is written.
            let stale = await storeError {
                try await store.applyPolicyVersion(v2, head: RecordSwap(kind: "policy-head", key: "taxi", expected: [9], value: [2]),
                                                   audit: auditBuilder(type: "policy.applied"))
            }
            #expect(stale?.code == .conflict)
            #expect(try await store.latestPolicyVersion(name: "taxi") == v1)

            let second = try await store.applyPolicyVersion(v2, head: head2, audit: auditBuilder(type: "policy.applied", policy: "taxi"))
            #expect(second.seq == 2)
            #expect(try await store.policyVersions(name: "taxi") == [v1, v2])
            #expect(try await store.record(kind: "policy-head", key: "taxi") == [2])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func checkpointsKeepTheFirstPerSeq(kind: StoreKind) async throws {
        try await withFreshStore(kind) { store, _ async throws in
            let time = Date(timeIntervalSince1970: 1_790_000_000)
            let c64 = AuditCheckpointRecord(seq: 64, hash: chainHash("a", "b"), time: time, kid: "0011223344556677", signature: Array(repeating: 5, count: 64))
            let c128 = AuditCheckpointRecord(seq: 128, hash: chainHash("c", "d"), time: time, kid: "0011223344556677", signature: Array(repeating: 6, count: 64))
            #expect(try await store.putCheckpoint(c64))
            #expect(try await store.putCheckpoint(c128))
            var again = c64
            again.signature = Array(repeating: 9, count: 64)
            #expect(try await store.putCheckpoint(again) == false)
            #expect(try await store.checkpoints(from: 1, limit: 10) == [c64, c128])
            #expect(try await store.checkpoints(from: 65, limit: 10) == [c128])
            #expect(try await store.checkpoints(from: 1, limit: 1) == [c64])
            var zero = c64
            zero.seq = 0
            #expect(await storeError { try await store.putCheckpoint(zero) }?.code == .invalidRecord)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func reopeningKeepsEverythingAndClosedStoresRefuse(kind: StoreKind) async throws {
        try await withFreshStore(kind) { store, location async throws in
            let v1 = policyRecord("taxi", 1)
            let secret = SecretRecord(policy: "taxi", name: "s", sealed: [1, 2], createdAt: Date(timeIntervalSince1970: 1_790_000_000))
            let key = MasterKeyRecord(id: "k", policy: "taxi", sealed: [3])
            let node = TrustedNodeRecord(keyID: "abcd", name: "n", publicKey: "ed25519:x", mac: [5, 6])
            try await store.putMeta("check", [7])
            try await store.applyPolicyVersion(v1, head: RecordSwap(kind: "policy-head", key: "taxi", expected: nil, value: [1]),
                                               audit: auditBuilder(type: "policy.applied", policy: "taxi"))
            try await store.putSecret(secret)
            try await store.insertMasterKey(key)
            try await store.putTrustedNode(node)
            try await store.insertNonce(Array(repeating: 1, count: 32), expiresAt: Date().addingTimeInterval(60))
            let entries = try await store.auditEntries(from: 1, limit: 10)
            await store.close()
            #expect(await storeError { _ = try await store.meta("check") }?.code == .closed)

            let reopened = try await location.open()
            #expect(try await reopened.meta("check") == [7])
            #expect(try await reopened.policyVersions(name: "taxi") == [v1])
            #expect(try await reopened.secrets(policy: "taxi") == [secret])
            #expect(try await reopened.masterKey(policy: "taxi", id: "k") == key)
            #expect(try await reopened.record(kind: "policy-head", key: "taxi") == [1])
            #expect(try await reopened.trustedNodes() == [node])
            #expect(try await reopened.consumeNonce(Array(repeating: 1, count: 32), now: Date()))
            #expect(try await reopened.auditEntries(from: 1, limit: 10) == entries)
            let next = try await reopened.appendAudit(auditBuilder(type: "cas.unsealed"))
            #expect(next.seq == 2)
            try expectChained(try await reopened.auditEntries(from: 1, limit: 10))
            await reopened.close()
        }
    }

    /// Every entry's prev is the hash before it, and every hash is recomputable.
    private func expectChained(_ entries: [AuditRecord]) throws {
        var previous = AuditPosition.genesisHash
        for entry in entries {
            #expect(entry.entryJSON.contains(#""prev":"\#(previous)""#), "entry \(entry.seq) chains to the one before it")
            #expect(entry.hash == chainHash(previous, entry.entryJSON), "entry \(entry.seq) hash")
            previous = entry.hash
        }
    }
}
