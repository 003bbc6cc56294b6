import Attestation
import Crypto
import Foundation
import Policy

/// A store written before CAS authenticated its rows (schema 1, issue 13) is upgraded once, when
/// the operator starts CAS with `--upgrade-store`: what can be verified is verified first — every
/// policy's chain of versions and owner signatures (a chain that does not verify stays
/// unauthenticated, so CAS refuses it), every master key opening under its old sealing — then
/// authenticated. Trusted nodes and the administrator key cannot be verified by anything but the
/// operator, who vouches for the database as it stands; the upgrade is audited with its counts.
/// The marker that says "upgraded" is MAC'd: deleting it in the database stops CAS (it never
/// upgrades on its own), so a forged node or administrator key is never authenticated silently.
enum StoreUpgrade {
    static let marker = "cas.rows-authenticated"

    struct Summary: Sendable {
        var policies = 0
        var unverifiedPolicies: [String] = []
        var masterKeys = 0
        var nodes = 0

        var details: [String: JSONValue] {
            ["policies": .integer(Int64(policies)), "master_keys": .integer(Int64(masterKeys)), "nodes": .integer(Int64(nodes)),
             "unverified_policies": .array(unverifiedPolicies.map { .string($0) })]
        }
    }

    /// Marks a store whose rows CAS authenticates.
    static func markCurrent(_ store: any CASStore, sealer: Sealer) async throws {
        try await store.putMeta(marker, markerValue(sealer))
    }

    static func markerValue(_ sealer: Sealer) -> [UInt8] {
        sealer.mac(table: "meta", fields: [Array(marker.utf8), Array("schema-2".utf8)])
    }

    /// Checks the marker; upgrades a store without one only when the operator asked
    /// (`allowed`). nil when there was nothing to do.
    static func runIfNeeded(_ store: any CASStore, sealer: Sealer, allowed: Bool) async throws -> Summary? {
        if let value = try await store.meta(marker) {
            guard sealer.verifyMAC(value, table: "meta", fields: [Array(marker.utf8), Array("schema-2".utf8)]) else {
                throw CASError(.tamperedStore, "the store's authentication marker was changed outside CAS; CAS will not start on it")
            }
            return nil
        }
        guard allowed else {
            throw CASError(.storeUpgradeRequired, """
                this store's rows are not authenticated: it was written before row authentication (start CAS once with \
                --upgrade-store to verify and authenticate it; you vouch for its trusted nodes and administrator key), \
                or its marker was deleted in the database (then do not upgrade: restore the database)
                """)
        }
        var summary = Summary()
        let records = RecordBook(store: store, sealer: sealer)
        for name in try await store.policyNames() {
            let rows = try await store.policyVersions(name: name)
            guard let chain = verifiedChain(rows, name: name) else {
                summary.unverifiedPolicies.append(name)
                continue
            }
            for row in rows {
                try await store.setPolicyVersionMAC(name: name, version: row.version, mac: RowMAC.policyVersion(row, sealer: sealer))
            }
            let head = PolicyHead(version: chain.count, hash: chain[chain.count - 1].hash, firstHash: chain[0].hash)
            _ = try await store.swapRecord(try records.swap(head, kind: .policyHead, key: name, expected: nil))
            summary.policies += 1
            for key in try await store.masterKeys(policy: name) {
                // Schema 1 sealed master keys with the id alone as associated data.
                guard let opened = try? sealer.openKey(key.sealed, purpose: .masterKey, recordID: key.id) else { continue }
                var resealed = key
                resealed.sealed = try sealer.sealKey(opened, purpose: .masterKey, recordID: key.recordID)
                try await store.replaceMasterKey(resealed)
                summary.masterKeys += 1
            }
        }
        for node in try await store.trustedNodes() {
            guard let key = try? NodePublicKey(text: node.publicKey), key.keyID == node.keyID else { continue }
            var authenticated = node
            authenticated.mac = RowMAC.trustedNode(node, sealer: sealer)
            try await store.putTrustedNode(authenticated)
            summary.nodes += 1
        }
        if let administrator = try await store.meta(CASKeyring.MetaKey.administrator) {
            try await store.putMeta(CASKeyring.MetaKey.administratorMAC,
                                    RowMAC.administrator(String(decoding: administrator, as: UTF8.self), sealer: sealer))
        }
        try await markCurrent(store, sealer: sealer)
        return summary
    }

    /// The versions of one policy in order, if they form a chain PolicyHistory accepts.
    private static func verifiedChain(_ rows: [PolicyVersionRecord], name: String) -> [PolicyVersion]? {
        var chain: [PolicyVersion] = []
        for (index, row) in rows.enumerated() {
            guard row.version == Int64(index + 1), let version = try? PolicyVersion(yaml: row.yaml), version.hash == row.hash,
                  version.document.name == name else { return nil }
            let signatures = row.signatures.map { PolicySignature(keyID: $0.keyID, signature: $0.signature) }
            guard case .accepted = PolicyHistory.accept(new: version, signatures: signatures, current: chain.last) else { return nil }
            chain.append(version)
        }
        return chain.isEmpty ? nil : chain
    }
}
