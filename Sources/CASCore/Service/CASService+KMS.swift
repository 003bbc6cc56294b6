import Crypto
import Foundation
import Policy
import StrongroomCrypto

extension CASService {
    /// Unwraps a data key. Allowed to an attested workload (SR-PoP) whose service lists the master
    /// key under `unwrap`; and to signed requests of the people the data belongs to:
    /// - in a single-owner policy, its owner;
    /// - in a multi-owner policy, an owner only for data keys it wrapped itself (CAS records who
    ///   wrapped each key): one owner never reads another owner's data;
    /// - a results recipient, only for data keys an attested service wrapped under its results key.
    public func unwrap(masterKeyID: String, wrappedKey: String, policy requestedPolicy: String?,
                       requester: RequestCredentials, now: Date) async throws -> SecretKey {
        let operation = "unwrap"
        let (policy, service, actor, details) = try await authorizeKMS(
            operation, masterKeyID: masterKeyID, requestedPolicy: requestedPolicy, requester: requester, now: now
        ) { workload in
            guard workload.service.unwrap.contains(masterKeyID) else {
                throw CASError(.forbidden, "service \(workload.service.name) of policy \(workload.claims.policy) may not unwrap with master key \(masterKeyID)")
            }
        } signer: { current in
            try await self.authorizeSignedUnwrap(current, masterKeyID: masterKeyID, wrappedKey: wrappedKey, requester: requester, now: now)
        }
        let masterKey = try await unsealedMasterKey(masterKeyID, policy: policy)
        let key: SecretKey
        do {
            key = try KeyWrapping.unwrap(wrappedKey, masterKey: masterKey, masterKeyID: masterKeyID)
        } catch {
            try await audit.record(AuditEvent(type: .kmsRefused, policy: policy, service: service, actor: actor, decision: "refused",
                                              reason: error.message, details: ["master_key_id": .string(masterKeyID), "operation": .string(operation)]), now: now)
            throw error
        }
        try await audit.record(AuditEvent(type: .kmsUnwrap, policy: policy, service: service, actor: actor, decision: "allowed",
                                          details: details), now: now)
        return key
    }

    /// Wraps a data key: an attested workload whose service lists the key under `wrap`, or an
    /// owner (signed) of the policy — custodians encrypt data so. CAS records who wrapped it.
    public func wrap(masterKeyID: String, key: SecretKey, policy requestedPolicy: String?, requester: RequestCredentials,
                     now: Date) async throws -> String {
        var origin = WrappedKeyOrigin(kind: .owner, by: "")
        let (policy, service, actor, details) = try await authorizeKMS(
            "wrap", masterKeyID: masterKeyID, requestedPolicy: requestedPolicy, requester: requester, now: now
        ) { workload in
            guard workload.service.wrap.contains(masterKeyID) else {
                throw CASError(.forbidden, "service \(workload.service.name) of policy \(workload.claims.policy) may not wrap with master key \(masterKeyID)")
            }
        } signer: { current in
            let owner = try await self.authenticate(requester, among: current.document.owners, now: now)
            return owner
        }
        if let signature = requester.signature { origin = WrappedKeyOrigin(kind: .owner, by: signature.keyID) }
        if let service, let tokenID = details["token_id"]?.stringValue { origin = WrappedKeyOrigin(kind: .workload, by: service, tokenID: tokenID) }
        let masterKey = try await unsealedMasterKey(masterKeyID, policy: policy)
        let wrapped = try KeyWrapping.wrap(key, masterKey: masterKey, masterKeyID: masterKeyID)
        try await records.insert(origin, kind: .wrappedKey, key: Self.wrappedKeyRecordKey(policy: policy, masterKeyID: masterKeyID, wrapped: wrapped))
        try await audit.record(AuditEvent(type: .kmsWrap, policy: policy, service: service, actor: actor, decision: "allowed",
                                          details: details), now: now)
        return wrapped
    }

    static func wrappedKeyRecordKey(policy: String, masterKeyID: String, wrapped: String) -> String {
        "\(policy)/\(masterKeyID)/" + Hex.encode(SHA256.hash(data: Array(wrapped.utf8)))
    }

    /// Who is asking and for which policy: a workload (its token's policy; `workloadAllows` checks
    /// the service's lists) or a signer of the named policy (`signerAllowed` returns the signer).
    /// Every refusal is audited as kms.refused.
    private func authorizeKMS(
        _ operation: String, masterKeyID: String, requestedPolicy: String?, requester: RequestCredentials, now: Date,
        workloadAllows: (AuthorizedWorkload) throws -> Void,
        signer signerAllowed: (PolicyLedger.Current) async throws -> NamedKey
    ) async throws -> (policy: String, service: String?, actor: String?, details: [String: JSONValue]) {
        var policy = requestedPolicy
        var service: String?
        do {
            if let signature = requester.signature {
                var resolved = requestedPolicy
                if resolved == nil { resolved = try await policyOfSigner(signature.keyID, masterKeyID: masterKeyID, now: now) }
                guard let name = resolved else {
                    throw CASError(.malformedRequest, "name the policy of master key \(masterKeyID) (\"policy\"): master key ids are scoped per policy")
                }
                policy = name
                let current = try await requirePolicy(name, now: now)
                guard current.document.masterKeys.contains(masterKeyID) else {
                    throw CASError(.notFound, "policy \(name) has no master key \(masterKeyID)")
                }
                let signer = try await signerAllowed(current)
                return (name, nil, signer.name, ["master_key_id": .string(masterKeyID)])
            }
            let workload = try await authorizeWorkload(requester, now: now)
            policy = workload.claims.policy
            service = workload.claims.service
            if let requestedPolicy, requestedPolicy != workload.claims.policy {
                throw CASError(.forbidden, "a token of policy \(workload.claims.policy) cannot use keys of policy \(requestedPolicy)")
            }
            try workloadAllows(workload)
            return (workload.claims.policy, workload.claims.service, nil,
                    ["master_key_id": .string(masterKeyID), "token_id": .string(workload.claims.jti)])
        } catch let error as CASError {
            if error.code != .tamperedStore {
                try await audit.record(AuditEvent(type: .kmsRefused, policy: policy, service: service, decision: "refused", reason: error.message,
                                                  details: ["master_key_id": .string(masterKeyID), "operation": .string(operation)]), now: now)
            }
            throw error
        }
    }

    /// For a signed request that names no policy: the one policy declaring `masterKeyID` that has
    /// the signer among its owners, auditors (nil when none or several: the caller must say).
    private func policyOfSigner(_ keyID: String, masterKeyID: String, now: Date) async throws -> String? {
        var found: [String] = []
        for name in try await store.policyNames() {
            guard let current = try? await ledger.current(name), current.document.masterKeys.contains(masterKeyID),
                  (current.document.owners + current.document.auditors).contains(where: { $0.publicKey.keyID == keyID }) else { continue }
            found.append(name)
        }
        return found.count == 1 ? found[0] : nil
    }

    /// The signed-unwrap rules (see `unwrap`), by the data key's recorded origin.
    private func authorizeSignedUnwrap(_ current: PolicyLedger.Current, masterKeyID: String, wrappedKey: String,
                                       requester: RequestCredentials, now: Date) async throws -> NamedKey {
        let document = current.document
        let recipientServices = document.services.filter { $0.results?.masterKey == masterKeyID }
        let recipients = (document.owners + document.auditors).filter { key in
            recipientServices.contains { $0.results?.recipients.contains(key.name) == true }
        }
        let allowed = document.owners + recipients.filter { r in !document.owners.contains { $0.name == r.name } }
        let signer = try await authenticate(requester, among: allowed, now: now)
        let origin = try await read(.wrappedKey, key: Self.wrappedKeyRecordKey(policy: document.name, masterKeyID: masterKeyID, wrapped: wrappedKey),
                                    as: WrappedKeyOrigin.self, policy: document.name, now: now)?.payload
        let isOwner = document.owners.contains { $0.name == signer.name }
        if isOwner, document.owners.count == 1 { return signer }
        if isOwner, let origin, origin.kind == .owner, origin.by == signer.publicKey.keyID { return signer }
        if let origin, origin.kind == .workload,
           recipientServices.contains(where: { $0.name == origin.by && $0.results?.recipients.contains(signer.name) == true }) {
            return signer
        }
        switch (isOwner, origin?.kind) {
        case (true, .owner?):
            throw CASError(.forbidden, "this data key was contributed by another owner of policy \(document.name); in a multi-owner policy only its contributor (or an attested service) unwraps it")
        case (true, nil):
            throw CASError(.forbidden, "CAS has no record of who wrapped this data key under \(masterKeyID); in a multi-owner policy an owner unwraps only keys it wrapped itself")
        default:
            throw CASError(.forbidden, "\(signer.name) may unwrap only results an attested service of policy \(document.name) wrapped under a results key naming it")
        }
    }

    func unsealedMasterKey(_ id: String, policy: String) async throws -> SecretKey {
        guard let record = try await store.masterKey(policy: policy, id: id) else {
            throw CASError(.notFound, "master key \(id) does not exist in policy \(policy)")
        }
        do {
            return try keyring.sealer.openKey(record.sealed, purpose: .masterKey, recordID: record.recordID)
        } catch {
            throw await tampered(StoreTampering(table: "master_keys", row: record.recordID,
                                                "does not open under its policy and id (changed or copied in the database)"),
                                 policy: policy, now: Date())
        }
    }
}
