import Attestation
import Foundation
import Policy
import StrongroomCrypto
import Support

extension CASService {
    public struct AppliedPolicy: Sendable, Equatable {
        public var name: String
        public var version: Int
        public var hash: String
    }

    public func applyPolicy(_ submission: SignedPolicySubmission, now: Date) async throws -> AppliedPolicy {
        let version: PolicyVersion
        do {
            version = try submission.version()
        } catch {
            try await audit.record(AuditEvent(type: .policyRefused, decision: "refused", reason: error.message), now: now)
            throw CASError(.malformedRequest, "policy: \(error.message)")
        }
        let document = version.document
        let current = try await currentPolicy(document.name, now: now)
        switch PolicyHistory.accept(new: version, signatures: submission.signatures, current: current?.version) {
        case .refused(let refusal):
            try await audit.record(
                AuditEvent(type: .policyRefused, policy: document.name, decision: "refused", reason: refusal.reason,
                           details: ["version": .integer(Int64(document.version)), "hash": .string(version.hash)]), now: now)
            let code: CASError.Code = refusal.code == .insufficientApprovals ? .forbidden : .conflict
            throw CASError(code, refusal.reason)
        case .accepted(let approvedBy):
            if current == nil { try await refuseLeftovers(of: document.name, now: now) }
            try await createMasterKeys(for: document)
            try await vault.provision(document, now: now)
            let record = ledger.authenticated(PolicyVersionRecord(
                name: document.name, version: Int64(document.version), hash: version.hash, previous: document.previous,
                yaml: version.bytes,
                signatures: submission.signatures.map { PolicySignatureRecord(keyID: $0.keyID, signature: $0.signature) },
                appliedAt: now))
            var head = current?.head ?? PolicyHead(version: 0, hash: version.hash, firstHash: version.hash)
            head.version = document.version
            head.hash = version.hash
            head.serial += 1
            head.prune(now: Int64(now.timeIntervalSince1970))
            let swap = try records.swap(head, kind: .policyHead, key: document.name, expected: current?.headStored)
            let event = AuditEvent(
                type: .policyApplied, policy: document.name, actor: approvedBy.joined(separator: ","), decision: "applied",
                details: ["version": .integer(Int64(document.version)), "hash": .string(version.hash)])
            do {
                try await audit.record(event, now: now) { build in try await store.applyPolicyVersion(record, head: swap, audit: build) }
            } catch let error as CASStoreError where error.code == .conflict {
                throw CASError(.conflict, "policy \(document.name) version \(document.version) was applied concurrently")
            }
            ledger.remember(document.name, head: head, stored: swap.value)
            logger.info("policy applied", metadata: ["policy": "\(document.name)", "version": "\(document.version)"])
            return AppliedPolicy(name: document.name, version: document.version, hash: version.hash)
        }
    }

    /// CAS never deletes a policy: master keys or secrets under a name that has no policy mean its
    /// versions were removed from the database. A new first version must not inherit them.
    private func refuseLeftovers(of name: String, now: Date) async throws {
        let keys = try await store.masterKeys(policy: name).count, secrets = try await store.secrets(policy: name).count
        guard keys == 0 && secrets == 0 else {
            throw await tampered(StoreTampering(
                table: "policy_versions", row: name,
                "the policy's versions are gone but \(keys) master key(s) and \(secrets) secret(s) of it remain (a policy deleted in the database); a new policy of this name would inherit them"),
                policy: name, now: now)
        }
    }

    /// Master key ids are scoped per policy: each policy gets its own key for each id it names,
    /// sealed with "policy/id" as associated data (no id can be squatted by another policy).
    private func createMasterKeys(for document: PolicyDocument) async throws {
        for id in document.masterKeys {
            if try await store.masterKey(policy: document.name, id: id) != nil { continue }
            let record = MasterKeyRecord(id: id, policy: document.name, sealed: [])
            let key = try SecretKey.random(bitCount: 256)
            let sealed = try keyring.sealer.sealKey(key, purpose: .masterKey, recordID: record.recordID)
            try await store.insertMasterKey(MasterKeyRecord(id: id, policy: document.name, sealed: sealed))
        }
    }

    public struct PolicyView: Sendable {
        public var record: PolicyVersionRecord
        public var document: PolicyDocument
        /// Declared secrets with whether CAS holds a value; never the value.
        public var secrets: [(name: String, kind: String, present: Bool)]
    }

    public func policy(_ name: String, requester: RequestCredentials, now: Date) async throws -> PolicyView {
        let current = try await requirePolicy(name, now: now)
        _ = try await authenticate(requester, among: current.document.owners, now: now)
        var secrets: [(String, String, Bool)] = []
        for spec in current.document.secrets {
            let present = try await store.secret(policy: name, name: spec.name) != nil
            secrets.append((spec.name, spec.kind.name, present))
        }
        return PolicyView(record: current.record, document: current.document, secrets: secrets)
    }

    public func policyVersions(_ name: String, requester: RequestCredentials, now: Date) async throws -> [PolicyVersionRecord] {
        let current = try await requirePolicy(name, now: now)
        _ = try await authenticate(requester, among: current.document.owners, now: now)
        do {
            return try await ledger.verifiedRecords(name)
        } catch let tampering as StoreTampering {
            throw await tampered(tampering, policy: name, now: now)
        }
    }

    /// An owner's value for a `given` secret, HPKE-encrypted to the CAS envelope key.
    public func putGivenSecret(policy name: String, secret: String, envelope: ConfigEnvelope, requester: RequestCredentials, now: Date) async throws {
        let current = try await requirePolicy(name, now: now)
        let owner = try await authenticate(requester, among: current.document.owners, now: now)
        guard let spec = current.document.secret(named: secret), case .given = spec.kind else {
            throw CASError(.notFound, "policy \(name) declares no given secret \(secret)")
        }
        var value = try envelope.open(with: keyring.envelopeKey, info: .givenSecret)
        defer { zeroize(&value) }
        try await vault.putGiven(policy: name, name: secret, value: value, now: now)
        try await audit.record(AuditEvent(type: AuditEventType("secret.given"), policy: name, actor: owner.name,
                                          decision: "stored", details: ["secret": .string(secret)]), now: now)
    }

    // MARK: Token revocation

    /// An owner revokes one token of the policy (by id) or every token issued until now. Helpers'
    /// tokens go with the job that granted them. Effective at once for KMS and grants.
    public func revokeTokens(policy name: String, tokenID: String?, requester: RequestCredentials, now: Date) async throws
        -> (tokenID: String?, notBefore: Date?)
    {
        if let tokenID, !LowercaseHex.isHex(tokenID, length: 32) {
            throw CASError(.malformedRequest, "token_id must be 32 lowercase hex characters (a token's jti)")
        }
        var current = try await requirePolicy(name, now: now)
        let owner = try await authenticate(requester, among: current.document.owners, now: now)
        let t = Int64(now.timeIntervalSince1970.rounded(.down))
        for _ in 0..<5 {
            var head = current.head
            head.serial += 1
            head.prune(now: t)
            if let tokenID {
                head.revoked[tokenID] = t + TokenIssuer.maximumLifetime + 60
            } else {
                head.tokensNotBefore = t + 1
            }
            let swap = try records.swap(head, kind: .policyHead, key: name, expected: current.headStored)
            if try await store.swapRecord(swap) {
                ledger.remember(name, head: head, stored: swap.value)
                try await audit.record(
                    AuditEvent(type: .tokensRevoked, policy: name, actor: owner.name, decision: "revoked",
                               details: tokenID.map { ["token_id": .string($0)] } ?? ["not_before": .integer(t + 1)]), now: now)
                logger.notice("tokens revoked", metadata: ["policy": "\(name)", "scope": "\(tokenID == nil ? "all" : "one")"])
                return (tokenID, tokenID == nil ? Date(timeIntervalSince1970: TimeInterval(t + 1)) : nil)
            }
            current = try await requirePolicy(name, now: now)  // moved concurrently: apply to the new head
        }
        throw CASError(.conflict, "policy \(name) changed concurrently; try the revocation again")
    }
}
