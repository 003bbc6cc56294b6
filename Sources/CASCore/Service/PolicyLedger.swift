import Attestation
import Crypto
import Foundation
import Policy
import Synchronization
import Support

/// Policies as CAS may act on them: read from the store and believed only after checking. The
/// policy's head record (MAC'd) names the current version; the version rows carry CAS's MAC and
/// their chain is re-verified (hashes, `previous` links, owner signatures of each version by the
/// owners of the one before) the first time it is loaded and whenever the head moves. A row
/// added, dropped or changed in the database without CAS is a `StoreTampering`, never a policy.
final class PolicyLedger: Sendable {
    let store: any CASStore
    let sealer: Sealer
    let records: RecordBook
    /// Verified chains by policy name: every version, oldest first.
    private let chains = Mutex<[String: [PolicyVersion]]>([:])
    /// The newest head seen per policy (serial and stored bytes): an older one is a rollback.
    private let newest = Mutex<[String: (serial: Int64, stored: [UInt8])]>([:])

    init(store: any CASStore, sealer: Sealer, records: RecordBook) {
        self.store = store
        self.sealer = sealer
        self.records = records
    }

    /// One verified policy: its head, the current version (record and parsed), and the chain.
    struct Current: Sendable {
        var head: PolicyHead
        var headStored: [UInt8]
        var record: PolicyVersionRecord
        var chain: [PolicyVersion]

        var version: PolicyVersion { chain[chain.count - 1] }
        var document: PolicyDocument { version.document }

        /// Version `number` of this policy (1-based), if it exists.
        func version(_ number: Int) -> PolicyVersion? {
            number >= 1 && number <= chain.count ? chain[number - 1] : nil
        }
    }

    /// The current, verified state of policy `name`; nil when CAS never applied it.
    func current(_ name: String) async throws -> Current? {
        guard let head = try await records.read(.policyHead, key: name, as: PolicyHead.self) else {
            if let stray = try await store.latestPolicyVersion(name: name) {
                throw StoreTampering(table: "policy_versions", row: "\(name)/\(stray.version)",
                                     "a version of a policy CAS never applied (it has no policy head)")
            }
            return nil
        }
        try checkNotRolledBack(name, head: head)
        guard let latest = try await store.latestPolicyVersion(name: name) else {
            throw StoreTampering(table: "policy_versions", row: "\(name)/\(head.payload.version)", "the current version's row is missing")
        }
        guard latest.version == Int64(head.payload.version) else {
            throw StoreTampering(table: "policy_versions", row: "\(name)/\(latest.version)",
                                 "the newest row is version \(latest.version) but CAS applied version \(head.payload.version)")
        }
        try check(latest, name: name)
        if let chain = chains.withLock({ $0[name] }), chain.count == head.payload.version, chain.last?.hash == latest.hash,
           head.payload.hash == latest.hash {
            return Current(head: head.payload, headStored: head.stored, record: latest, chain: chain)
        }
        let chain = try await verifiedChain(name, head: head.payload)
        chains.withLock { $0[name] = chain }
        return Current(head: head.payload, headStored: head.stored, record: latest, chain: chain)
    }

    /// Refuses a head older than one this process already saw (a restored copy of an earlier
    /// head: a revocation undone, a version dropped), and remembers the newest.
    private func checkNotRolledBack(_ name: String, head: RecordBook.Entry<PolicyHead>) throws(StoreTampering) {
        let rolledBack = newest.withLock { newest -> Bool in
            if let seen = newest[name] {
                if head.payload.serial < seen.serial || (head.payload.serial == seen.serial && head.stored != seen.stored) { return true }
            }
            newest[name] = (head.payload.serial, head.stored)
            return false
        }
        if rolledBack {
            throw StoreTampering(table: "records", row: "policy-head/\(name)",
                                 "is older than the head this CAS already saw (restored from an earlier state)")
        }
    }

    /// Notes a head this process just wrote, so that restoring the one before it is noticed even
    /// before anything reads the policy.
    func remember(_ name: String, head: PolicyHead, stored: [UInt8]) {
        newest.withLock { newest in
            if let seen = newest[name], seen.serial > head.serial { return }
            newest[name] = (head.serial, stored)
        }
    }

    /// A version row as CAS writes it: with its MAC.
    func authenticated(_ record: PolicyVersionRecord) -> PolicyVersionRecord {
        var record = record
        record.mac = RowMAC.policyVersion(record, sealer: sealer)
        return record
    }

    /// Every version row of `name`, each checked; the versions in order.
    func verifiedRecords(_ name: String) async throws -> [PolicyVersionRecord] {
        guard let current = try await current(name) else { return [] }
        let rows = try await store.policyVersions(name: name)
        guard rows.count == current.chain.count else {
            throw StoreTampering(table: "policy_versions", row: name, "rows were added or removed since the chain was verified")
        }
        for row in rows { try check(row, name: name) }
        return rows
    }

    private func check(_ row: PolicyVersionRecord, name: String) throws(StoreTampering) {
        let where_ = "\(name)/\(row.version)"
        guard row.name == name else { throw StoreTampering(table: "policy_versions", row: where_, "names another policy") }
        guard RowMAC.verify(row, sealer: sealer) else {
            throw StoreTampering(table: "policy_versions", row: where_, "its MAC does not verify (not written by this CAS)")
        }
        guard LowercaseHex.encode(SHA256.hash(data: row.yaml)) == row.hash else {
            throw StoreTampering(table: "policy_versions", row: where_, "its hash does not match its YAML")
        }
    }

    /// Re-verifies the whole chain against the head: contiguous versions 1…n, each row's MAC and
    /// hash, each version accepted by `PolicyHistory` after the one before (owner signatures).
    private func verifiedChain(_ name: String, head: PolicyHead) async throws -> [PolicyVersion] {
        let rows = try await store.policyVersions(name: name)
        guard rows.count == head.version else {
            throw StoreTampering(table: "policy_versions", row: name, "\(rows.count) version rows, but CAS applied \(head.version)")
        }
        var chain: [PolicyVersion] = []
        for (index, row) in rows.enumerated() {
            let where_ = "\(name)/\(row.version)"
            guard row.version == Int64(index + 1) else {
                throw StoreTampering(table: "policy_versions", row: where_, "versions are not 1, 2, 3 …")
            }
            try check(row, name: name)
            let version: PolicyVersion
            do { version = try PolicyVersion(yaml: row.yaml) } catch {
                throw StoreTampering(table: "policy_versions", row: where_, "its YAML no longer parses: \(error.message)")
            }
            guard version.document.name == name, version.document.version == index + 1 else {
                throw StoreTampering(table: "policy_versions", row: where_, "its YAML names another policy or version")
            }
            let signatures = row.signatures.map { PolicySignature(keyID: $0.keyID, signature: $0.signature) }
            if case .refused(let refusal) = PolicyHistory.accept(new: version, signatures: signatures, current: chain.last) {
                throw StoreTampering(table: "policy_versions", row: where_, "its signatures or chain do not verify: \(refusal.reason)")
            }
            chain.append(version)
        }
        guard chain.last?.hash == head.hash, chain.first?.hash == head.firstHash else {
            throw StoreTampering(table: "records", row: "policy-head/\(name)", "does not match the version rows")
        }
        return chain
    }
}
