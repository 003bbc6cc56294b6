import Attestation
import Foundation
import Policy

extension CASService {
    /// The audit chain. Whole: the CAS administrator and the auditors it registered (the chain
    /// verifies only whole). Filtered by policy: that policy's owners and auditors too — nobody
    /// gets another tenant's entries by naming themselves auditor of a policy of their own.
    public func auditPage(from: Int64, limit: Int, policy: String?, requester: RequestCredentials, now: Date) async throws -> AuditExport {
        var allowed = [NamedKey(name: "administrator", publicKey: keyring.administrator)] + (try await registeredAuditors(now: now))
        if let policy {
            let current = try await requirePolicy(policy, now: now)
            allowed += current.document.owners + current.document.auditors
        }
        do {
            _ = try await authenticate(requester, among: allowed, now: now)
        } catch let error as CASError {
            try await audit.record(AuditEvent(type: .auditRefused, policy: policy, decision: "refused", reason: error.message), now: now)
            guard error.code == .forbidden else { throw error }
            let hint = policy == nil
                ? "the whole audit log is for the CAS administrator and the auditors it registers (strongroom cas add-auditor); owners and a policy's auditors read its entries with ?policy=NAME"
                : "the entries of policy \(policy!) are for its owners and auditors, the CAS administrator and registered auditors"
            throw CASError(.forbidden, "\(error.message): \(hint)")
        }
        let limit = max(1, min(limit, 10_000))
        let records = try await store.auditEntries(from: from, limit: limit, policy: policy)
        // The last page of the whole chain gets a checkpoint at its last entry, so an export
        // verifies to its end; CAS signs it only after checking it extends its last checkpoint.
        if policy == nil, let last = records.last, records.count < limit {
            try await audit.checkpoint(seq: last.seq, hash: last.hash, now: now)
        }
        var entries: [AuditEntry] = []
        for record in records {
            guard let object = try? JSONDecoder().decode(JSONValue.self, from: Data(record.entryJSON.utf8)).objectValue else {
                throw CASError(.corruptStore, "audit entry \(record.seq) is not a JSON object")
            }
            entries.append(try AuditEntry(json: object))
        }
        var checkpoints: [AuditCheckpoint] = []
        if let last = records.last {
            checkpoints = try await store.checkpoints(from: from, limit: limit + 1).filter { $0.seq <= last.seq }.map {
                AuditCheckpoint(seq: $0.seq, hash: $0.hash, time: AuditChain.timestamp($0.time), kid: $0.kid, signature: $0.signature)
            }
        }
        return AuditExport(entries: entries, checkpoints: checkpoints)
    }

    /// Signs a checkpoint at the chain's head now (shutdown), if the head extends the last checkpoint.
    public func checkpoint(now: Date) async throws {
        try await audit.checkpointHead(now: now)
    }

    public func trustNode(name: String, publicKey: String, requester: RequestCredentials, now: Date) async throws -> String {
        let admin = try await authenticate(requester, among: [NamedKey(name: "administrator", publicKey: keyring.administrator)], now: now)
        let key: NodePublicKey
        do { key = try NodePublicKey(text: publicKey) } catch { throw CASError(.malformedRequest, error.message) }
        var record = TrustedNodeRecord(keyID: key.keyID, name: name, publicKey: key.text)
        record.mac = RowMAC.trustedNode(record, sealer: keyring.sealer)
        try await store.putTrustedNode(record)
        try await audit.record(AuditEvent(type: .nodeTrusted, actor: admin.name, decision: "trusted",
                                          details: ["node": .string(name), "node_key_id": .string(key.keyID)]), now: now)
        return key.keyID
    }

    /// The administrator registers an auditor of the whole audit chain.
    public func registerAuditor(name: String, publicKey: String, requester: RequestCredentials, now: Date) async throws -> String {
        let admin = try await authenticate(requester, among: [NamedKey(name: "administrator", publicKey: keyring.administrator)], now: now)
        let key: OwnerPublicKey
        do { key = try OwnerPublicKey(text: publicKey) } catch { throw CASError(.malformedRequest, "public_key is not ed25519:<base64 of 32 bytes>") }
        guard PolicyDocument.isValidName(name) else { throw CASError(.malformedRequest, "auditor name must be a valid name ([a-z0-9][a-z0-9-_.]{0,62})") }
        // The administrator's registration replaces whatever is stored under the key id (a forged row too).
        let existing = try await store.record(kind: RecordKind.auditor.rawValue, key: key.keyID)
        let swap = try records.swap(NamedPublicKey(name: name, publicKey: key.text), kind: .auditor, key: key.keyID, expected: existing)
        guard try await store.swapRecord(swap) else { throw CASError(.conflict, "auditor \(key.keyID) changed concurrently") }
        try await audit.record(AuditEvent(type: .auditorRegistered, actor: admin.name, decision: "registered",
                                          details: ["auditor": .string(name), "key_id": .string(key.keyID)]), now: now)
        return key.keyID
    }

    /// Registered auditors whose records verify; forged ones are audited and ignored.
    private func registeredAuditors(now: Date) async throws -> [NamedKey] {
        let (valid, tampered) = try await records.all(.auditor, as: NamedPublicKey.self)
        for tampering in tampered { _ = await self.tampered(tampering, now: now) }
        return valid.compactMap { entry in
            guard let key = try? OwnerPublicKey(text: entry.payload.publicKey), key.keyID == entry.key else { return nil }
            return NamedKey(name: entry.payload.name, publicKey: key)
        }
    }

    /// Records the unseal itself (who unsealed is not known to CAS; how is).
    public func recordUnsealed(method: String, now: Date) async throws {
        try await audit.record(AuditEvent(type: .casUnsealed, decision: "unsealed", details: ["method": .string(method)]), now: now)
        if let upgrade = keyring.upgrade {
            logger.notice("store upgraded: rows authenticated", metadata: ["policies": "\(upgrade.policies)", "unverified": "\(upgrade.unverifiedPolicies.count)"])
            try await audit.record(AuditEvent(type: AuditEventType("store.upgraded"), decision: "authenticated",
                                              reason: upgrade.unverifiedPolicies.isEmpty ? nil : "policies whose signature chain does not verify stay refused",
                                              details: upgrade.details), now: now)
        }
    }
}
