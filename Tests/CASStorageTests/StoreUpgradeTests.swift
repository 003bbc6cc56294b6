import Attestation
import CASCore
import CASStorage
import Crypto
import Foundation
import Policy
import StrongroomCrypto
import Testing

/// A store as the CAS before issue 13 wrote it (no MACs, no heads, master keys sealed under their
/// id alone) is upgraded at its first unseal: verified chains and keys carry on, a chain that does
/// not verify stays refused, and the upgrade is audited.
@Suite struct StoreUpgradeTests {
    @Test(arguments: StoreKind.allCases)
    func aStoreFromBeforeRowMACsIsUpgradedOnce(kind: StoreKind) async throws {
        try await withFreshStore(kind) { store, _ in
            let masterKey = CASMasterKey.generate()
            let sealer = Sealer(masterKey: masterKey)
            let admin = OwnerIdentity(name: "admin")
            // What `cas init` of schema 1 wrote.
            try await store.putMeta("cas.token-key", sealer.seal(ES256SigningKey().rawRepresentation, purpose: .tokenSigningKey, recordID: "cas"))
            try await store.putMeta("cas.audit-key", sealer.seal(ES256SigningKey().rawRepresentation, purpose: .auditSigningKey, recordID: "cas"))
            try await store.putMeta("cas.envelope-key", sealer.seal([UInt8](P256.KeyAgreement.PrivateKey().rawRepresentation),
                                                                     purpose: .casEnvelopeKey, recordID: "cas"))
            try await store.putMeta("cas.administrator", Array(admin.publicKey.text.utf8))
            try await store.putMeta("cas.check", sealer.makeCheckValue())
            // A policy applied then, its master key, a trusted node, and a planted policy whose signature is forged.
            let world = CASServiceFlowTests.World(service: CASService(store: store, keyring: try await CASKeyring.initialize(
                InMemoryPlaceholder.store(), masterKey: masterKey, administrator: admin.publicKey)), admin: admin)
            let version = try PolicyVersion(yaml: world.policy())
            try await store.insertPolicyVersion(PolicyVersionRecord(
                name: "taxi", version: 1, hash: version.hash, previous: nil, yaml: version.bytes,
                signatures: [PolicySignatureRecord(keyID: world.owner.publicKey.keyID, signature: world.owner.sign(version.signingMessage))],
                appliedAt: world.now))
            try await SecretVault(store: store, sealer: sealer).provision(version.document, now: world.now)
            let dataKey = try SecretKey.random(bitCount: 256)
            try await store.insertMasterKey(MasterKeyRecord(id: "trips", policy: "taxi", sealed: try sealer.sealKey(dataKey, purpose: .masterKey, recordID: "trips")))
            try await store.insertMasterKey(MasterKeyRecord(id: "results", policy: "taxi", sealed: try sealer.sealKey(try SecretKey.random(bitCount: 256), purpose: .masterKey, recordID: "results")))
            try await store.putTrustedNode(TrustedNodeRecord(keyID: world.nodeKey.publicKey.keyID, name: "n", publicKey: world.nodeKey.publicKey.text))
            let planted = try PolicyVersion(yaml: world.policy().replacingOccurrences(of: "name: taxi", with: "name: planted"))
            try await store.insertPolicyVersion(PolicyVersionRecord(
                name: "planted", version: 1, hash: planted.hash, previous: nil, yaml: planted.bytes,
                signatures: [PolicySignatureRecord(keyID: world.owner.publicKey.keyID, signature: Array(repeating: 1, count: 64))], appliedAt: world.now))

            // Without the operator's word CAS does not start on it.
            await #expect(throws: CASError(.storeUpgradeRequired, "")) { _ = try await CASKeyring.unseal(store, masterKey: masterKey) }
            let keyring = try await CASKeyring.unseal(store, masterKey: masterKey, upgradeStore: true)
            let service = CASService(store: store, keyring: keyring)
            try await service.recordUnsealed(method: "key-file", now: world.now)
            let upgraded = CASServiceFlowTests.World(service: service, owner: world.owner, secondOwner: world.secondOwner, admin: admin,
                                                     nodeKey: world.nodeKey)
            // The upgraded policy serves attestations and its old master key still unwraps what it wrapped.
            let attempt = try await upgraded.attempt()
            let result = try await service.attest(attempt.request, now: world.now)
            let wrappedEarlier = try KeyWrapping.wrap(try SecretKey.random(bitCount: 128), masterKey: dataKey, masterKeyID: "trips")
            _ = try await service.unwrap(masterKeyID: "trips", wrappedKey: wrappedEarlier, policy: nil,
                                         requester: try upgraded.proof(result.token, attempt.signingKey), now: world.now)
            // The planted policy stays refused.
            let plantedAttempt = try await upgraded.attempt(policy: "planted")
            await #expect(throws: CASError(.attestationRefused, "")) { _ = try await service.attest(plantedAttempt.request, now: world.now) }
            let entries = try await CASServiceFlowTests.auditTypes(store)
            #expect(entries.contains { $0.type == "store.upgraded" })
            // A second unseal does not upgrade again; a deleted marker stops CAS instead of upgrading silently.
            #expect(try await CASKeyring.unseal(store, masterKey: masterKey).upgradeHappened == false)
            try await store.putMeta("cas.rows-authenticated", Array("1".utf8))
            await #expect(throws: CASError(.tamperedStore, "")) { _ = try await CASKeyring.unseal(store, masterKey: masterKey) }
        }
    }
}

/// A throwaway in-memory-free store for building a World's helper service (its keyring is unused).
enum InMemoryPlaceholder {
    static func store() throws -> any CASStore {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strongroom-placeholder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try SQLiteCASStore(path: directory.appendingPathComponent("cas.sqlite").path)
    }
}
