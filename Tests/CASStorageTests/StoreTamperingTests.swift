import Attestation
import CASCore
import CASStorage
import Crypto
import Foundation
import Policy
import StrongroomCrypto
import Testing

/// A database administrator writes CAS's tables directly (here through the store API, which is
/// exactly what reaches the tables). CAS must notice every row it did not write, refuse to act on
/// it, audit it, and release nothing. The adversarial suite (Tests/adversarial) does the same with
/// SQL against the running service.
@Suite struct StoreTamperingTests {
    typealias World = CASServiceFlowTests.World

    static func tamperedTypes(_ store: any CASStore) async throws -> Int {
        try await CASServiceFlowTests.auditTypes(store).filter { $0.type == "store.tampered" }.count
    }

    @Test(arguments: StoreKind.allCases)
    func aForgedPolicyVersionWithCopiedSignaturesIsRefused(kind: StoreKind) async throws {
        try await CASServiceFlowTests.withWorld(kind) { world, store in
            let v1 = try world.submit(world.policy(), signers: [world.owner])
            _ = try await world.service.applyPolicy(v1, now: world.now)
            // Version 2 with mallory as owner, the signatures of version 1 copied, no MAC.
            let mallory = OwnerIdentity(name: "mallory")
            let forgedText = world.policy(version: 2, previous: try PolicyVersion(yaml: v1.policy).hash)
                .replacingOccurrences(of: "  - {name: bob,", with: "  - {name: mallory, public_key: \"\(mallory.publicKey.text)\"}\n  - {name: bob,")
            let forged = try PolicyVersion(yaml: forgedText)
            try await store.insertPolicyVersion(PolicyVersionRecord(
                name: "taxi", version: 2, hash: forged.hash, previous: forged.document.previous, yaml: forged.bytes,
                signatures: v1.signatures.map { PolicySignatureRecord(keyID: $0.keyID, signature: $0.signature) }, appliedAt: world.now))
            // Mallory cannot read the policy or unwrap; an attestation is refused; all audited.
            let view = await #expect(throws: CASError.self) {
                _ = try await world.service.policy("taxi", requester: world.signed("GET", "/v1/policies/taxi", by: mallory), now: world.now)
            }
            #expect(view?.code == .tamperedStore)
            let attempt = try await world.attempt()
            let refused = await #expect(throws: CASError.self) { _ = try await world.service.attest(attempt.request, now: world.now) }
            #expect(refused?.code == .attestationRefused)
            #expect(refused?.message.contains("changed outside CAS") == true)
            #expect(try await Self.tamperedTypes(store) >= 2)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aPolicyCASNeverAppliedDoesNotExist(kind: StoreKind) async throws {
        try await CASServiceFlowTests.withWorld(kind) { world, store in
            let text = world.policy().replacingOccurrences(of: "name: taxi", with: "name: planted")
            let version = try PolicyVersion(yaml: text)
            try await store.insertPolicyVersion(PolicyVersionRecord(
                name: "planted", version: 1, hash: version.hash, previous: nil, yaml: version.bytes,
                signatures: [PolicySignatureRecord(keyID: world.owner.publicKey.keyID,
                                                   signature: world.owner.sign(version.signingMessage))], appliedAt: world.now))
            let attempt = try await world.attempt(policy: "planted")
            let refused = await #expect(throws: CASError.self) { _ = try await world.service.attest(attempt.request, now: world.now) }
            #expect(refused?.message.contains("never applied") == true)
            #expect(try await Self.tamperedTypes(store) == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aTrustedNodeAddedInTheDatabaseIsNotTrusted(kind: StoreKind) async throws {
        try await CASServiceFlowTests.withWorld(kind) { world, store in
            _ = try await world.service.applyPolicy(try world.submit(world.policy(), signers: [world.owner]), now: world.now)
            let rogue = NodeKey()
            try await store.putTrustedNode(TrustedNodeRecord(keyID: rogue.publicKey.keyID, name: "rogue", publicKey: rogue.publicKey.text))
            var attempt = try await world.attempt()
            let report = try SimulatedReport.parse(attempt.request.evidence.report)
            attempt.request.evidence = Evidence(kind: .simulated, report: try rogue.sign(report).encoded())
            let refused = await #expect(throws: CASError.self) { _ = try await world.service.attest(attempt.request, now: world.now) }
            #expect(refused?.message.contains("untrusted_signer") == true)
            #expect(try await Self.tamperedTypes(store) == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func forgedAuditorsAndHeadsAreRefused(kind: StoreKind) async throws {
        try await CASServiceFlowTests.withWorld(kind) { world, store in
            _ = try await world.service.applyPolicy(try world.submit(world.policy(), signers: [world.owner]), now: world.now)
            let spy = OwnerIdentity(name: "spy")
            try await store.insertRecord(StoredRecord(kind: RecordKind.auditor.rawValue, key: spy.publicKey.keyID,
                                                      value: Array(repeating: 0, count: 32) + Array(#"{"name":"spy","public_key":"\#(spy.publicKey.text)"}"#.utf8)))
            let readAll = await #expect(throws: CASError.self) {
                _ = try await world.service.auditPage(from: 1, limit: 10, policy: nil, requester: world.signed("GET", "/v1/audit", by: spy), now: world.now)
            }
            #expect(readAll?.code == .forbidden)
            // A registered auditor reads everything.
            _ = try await world.service.registerAuditor(name: "carol", publicKey: spy.publicKey.text,
                                                        requester: world.signed("POST", "/v1/auditors", by: world.admin), now: world.now)
            _ = try await world.service.auditPage(from: 1, limit: 10, policy: nil, requester: world.signed("GET", "/v1/audit", by: spy), now: world.now)
            // A head rewritten to forget revocations does not verify.
            let stored = try #require(try await store.record(kind: RecordKind.policyHead.rawValue, key: "taxi"))
            var changed = stored
            changed[changed.count - 2] ^= 1
            #expect(try await store.swapRecord(RecordSwap(kind: RecordKind.policyHead.rawValue, key: "taxi", expected: stored, value: changed)))
            let attempt = try await world.attempt()
            await #expect(throws: CASError(.attestationRefused, "")) { _ = try await world.service.attest(attempt.request, now: world.now) }
            #expect(try await Self.tamperedTypes(store) >= 2)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anAuditChainThatDoesNotExtendTheLastCheckpointIsNeverSigned(kind: StoreKind) async throws {
        try await CASServiceFlowTests.withWorld(kind) { world, store in
            _ = try await world.service.applyPolicy(try world.submit(world.policy(), signers: [world.owner]), now: world.now)
            let admin = { world.signed("GET", "/v1/audit", by: world.admin) }
            let before = try await world.service.auditPage(from: 1, limit: 100, policy: nil, requester: admin(), now: world.now)
            #expect(before.checkpoints.last?.seq == Int64(before.entries.count))
            // Entries appended by someone with database access, chained correctly but not by CAS's
            // mark: CAS re-reads and accepts them only if they hash and link; a rewritten entry does not.
            try await store.appendAudit { position in
                AuditEntryText(hash: String(repeating: "f", count: 64), json: #"{"seq":\#(position.seq)}"#)
            }
            let broken = await #expect(throws: CASError.self) {
                _ = try await world.service.auditPage(from: 1, limit: 100, policy: nil, requester: admin(), now: world.now)
            }
            #expect(broken?.code == .auditChainBroken)
        }
    }
}
