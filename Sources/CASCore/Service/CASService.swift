import Attestation
import Crypto
import Foundation
import Logging
import Policy
import StrongroomCrypto

/// All of CAS's decisions, without HTTP (docs/design/cas.md): policies, attestation, secrets,
/// KMS and the audit trail. Every refusal is audited with its reason and thrown as a CASError
/// whose message names what failed and never contains a secret, key or token.
public struct CASService: Sendable {
    public let store: any CASStore
    public let keyring: CASKeyring
    /// Verifiers for hardware TEE kinds; the simulated verifier is added per request from the
    /// store's trusted nodes.
    public let hardwareVerifiers: [any EvidenceVerifier]
    public let nonceLifetime: TimeInterval
    let audit: AuditTrail
    let vault: SecretVault
    let logger: Logger
    let noncePurge = NoncePurge()
    let policies = PolicyCache()

    public init(store: any CASStore, keyring: CASKeyring, hardwareVerifiers: [any EvidenceVerifier] = [],
                nonceLifetime: TimeInterval = 60, logger: Logger = Logger(label: "strongroom.cas")) {
        self.store = store
        self.keyring = keyring
        self.hardwareVerifiers = hardwareVerifiers
        self.nonceLifetime = nonceLifetime
        self.audit = AuditTrail(store: store, signingKey: keyring.auditKey)
        self.vault = SecretVault(store: store, sealer: keyring.sealer)
        self.logger = logger
    }

    public var jwks: JWKS { keyring.jwks }

    /// The key owners encrypt `given` secrets to (X9.63 uncompressed P-256).
    public var envelopePublicKey: [UInt8] { [UInt8](keyring.envelopeKey.publicKey.x963Representation) }

    // MARK: Policies

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
        let current = try await latestVersion(document.name)
        switch PolicyHistory.accept(new: version, signatures: submission.signatures, current: current) {
        case .refused(let refusal):
            try await audit.record(
                AuditEvent(type: .policyRefused, policy: document.name, decision: "refused", reason: refusal.reason,
                           details: ["version": .integer(Int64(document.version)), "hash": .string(version.hash)]), now: now)
            let code: CASError.Code = refusal.code == .insufficientApprovals ? .forbidden : .conflict
            throw CASError(code, refusal.reason)
        case .accepted(let approvedBy):
            try await createMasterKeys(for: document, now: now)
            try await vault.provision(document, now: now)
            let record = PolicyVersionRecord(
                name: document.name, version: Int64(document.version), hash: version.hash, previous: document.previous,
                yaml: version.bytes,
                signatures: submission.signatures.map { PolicySignatureRecord(keyID: $0.keyID, signature: $0.signature) },
                appliedAt: now)
            let event = AuditEvent(
                type: .policyApplied, policy: document.name, actor: approvedBy.joined(separator: ","), decision: "applied",
                details: ["version": .integer(Int64(document.version)), "hash": .string(version.hash)])
            do {
                try await audit.record(event, now: now) { build in try await store.applyPolicyVersion(record, audit: build) }
            } catch let error as CASStoreError where error.code == .conflict {
                throw CASError(.conflict, "policy \(document.name) version \(document.version) was applied concurrently")
            }
            logger.info("policy applied", metadata: ["policy": "\(document.name)", "version": "\(document.version)"])
            return AppliedPolicy(name: document.name, version: document.version, hash: version.hash)
        }
    }

    /// Master keys are global: the first policy naming an id owns it, another may not.
    private func createMasterKeys(for document: PolicyDocument, now: Date) async throws {
        for id in document.masterKeys {
            if let existing = try await store.masterKey(id: id) {
                guard existing.policy == document.name else {
                    throw CASError(.conflict, "master key \(id) belongs to policy \(existing.policy)")
                }
                continue
            }
            let key = try SecretKey.random(bitCount: 256)
            let sealed = try keyring.sealer.sealKey(key, purpose: .masterKey, recordID: id)
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
        let (record, version) = try await requireVersion(name)
        _ = try requireSigner(requester, among: version.document.owners, now: now)
        var secrets: [(String, String, Bool)] = []
        for spec in version.document.secrets {
            let present = try await store.secret(policy: name, name: spec.name) != nil
            secrets.append((spec.name, spec.kind.name, present))
        }
        return PolicyView(record: record, document: version.document, secrets: secrets)
    }

    public func policyVersions(_ name: String, requester: RequestCredentials, now: Date) async throws -> [PolicyVersionRecord] {
        let (_, version) = try await requireVersion(name)
        _ = try requireSigner(requester, among: version.document.owners, now: now)
        return try await store.policyVersions(name: name)
    }

    /// An owner's value for a `given` secret, HPKE-encrypted to the CAS envelope key.
    public func putGivenSecret(policy name: String, secret: String, envelope: ConfigEnvelope, requester: RequestCredentials, now: Date) async throws {
        let (_, version) = try await requireVersion(name)
        let owner = try requireSigner(requester, among: version.document.owners, now: now)
        guard let spec = version.document.secret(named: secret), case .given = spec.kind else {
            throw CASError(.notFound, "policy \(name) declares no given secret \(secret)")
        }
        var value = try envelope.open(with: keyring.envelopeKey, info: .givenSecret)
        defer { zeroize(&value) }
        try await vault.putGiven(policy: name, name: secret, value: value, now: now)
        try await audit.record(AuditEvent(type: AuditEventType("secret.given"), policy: name, actor: owner.name,
                                          decision: "stored", details: ["secret": .string(secret)]), now: now)
    }

    // MARK: Attestation

    public func challenge(now: Date) async throws -> (nonce: [UInt8], expiresAt: Date) {
        let nonce = SecureRandom.bytes(count: 32)
        let expiresAt = now.addingTimeInterval(nonceLifetime)
        if noncePurge.isDue(now: now) { try await store.purgeExpiredNonces(now: now) }
        try await store.insertNonce(nonce, expiresAt: expiresAt)
        return (nonce, expiresAt)
    }

    public struct AttestationRequest: Sendable {
        public var policy: String
        public var service: String
        public var nonce: [UInt8]
        public var evidence: Evidence
        public var runtimePublicKey: [UInt8]
        public var jobHash: [UInt8]

        public init(policy: String, service: String, nonce: [UInt8], evidence: Evidence, runtimePublicKey: [UInt8], jobHash: [UInt8]) {
            self.policy = policy
            self.service = service
            self.nonce = nonce
            self.evidence = evidence
            self.runtimePublicKey = runtimePublicKey
            self.jobHash = jobHash
        }
    }

    public struct AttestationResult: Sendable {
        public var token: String
        public var expiresAt: Date
        public var config: ConfigEnvelope
        public var claims: AttestationTokenClaims
    }

    public func attest(_ request: AttestationRequest, now: Date) async throws -> AttestationResult {
        func refuse(_ reason: String, claims: AttestationClaims? = nil) async throws -> Never {
            var details: [String: JSONValue] = ["tee": .string(request.evidence.kind.rawValue)]
            if let claims { details["measurement"] = .string(claims.measurement) }
            try await audit.record(
                AuditEvent(type: .attestRefused, policy: request.policy, service: request.service, decision: "refused",
                           reason: reason, details: details), now: now)
            logger.notice("attestation refused", metadata: ["policy": "\(request.policy)", "service": "\(request.service)", "reason": "\(reason)"])
            throw CASError(.attestationRefused, reason)
        }
        guard request.jobHash.count == 32 else { try await refuse("job_hash must be 32 bytes (SHA-256)") }
        guard (try? P256.KeyAgreement.PublicKey(x963Representation: request.runtimePublicKey)) != nil else {
            try await refuse("runtime_public_key is not an uncompressed P-256 point")
        }
        guard try await store.consumeNonce(request.nonce, now: now) else {
            try await refuse("nonce unknown, already used or expired")
        }
        guard let (_, version) = try await latestVersionWithRecord(request.policy) else {
            try await refuse("no policy named \(request.policy)")
        }
        let document = version.document
        guard let service = document.service(named: request.service) else {
            try await refuse("policy \(request.policy) has no service \(request.service)")
        }
        let registry = try await verifiers()
        let claims: AttestationClaims
        do {
            claims = try registry.verify(request.evidence, now: now)
        } catch {
            try await refuse("evidence: \(error.description)")
        }
        let expected = ReportDataBinding.reportData(nonce: request.nonce, runtimePublicKey: request.runtimePublicKey, jobHash: request.jobHash)
        guard constantTimeEquals(claims.reportData, expected) else {
            try await refuse("report data does not bind this nonce, runtime key and job hash", claims: claims)
        }
        if case .failsToMeetPolicy(let refusal) = PolicyEvaluator.evaluate(policy: document, service: request.service, claims: claims, jobHash: request.jobHash) {
            try await refuse(refusal.reason, claims: claims)
        }
        let (configuration, released): (ServiceConfiguration, [String])
        do {
            (configuration, released) = try await self.configuration(for: service, of: document)
        } catch let error as CASError {
            try await refuse("configuration: \(error.message)", claims: claims)
        }
        let issuer = try TokenIssuer(signingKey: keyring.tokenKey)
        let tokenClaims = issuer.claims(
            policy: document.name, policyVersion: document.version, service: service.name, tee: claims.kind.rawValue,
            measurement: claims.measurement, jobHash: request.jobHash, runtimePublicKey: request.runtimePublicKey, now: now)
        let token = try issuer.issue(tokenClaims)
        let envelope = try ConfigEnvelope.seal(configuration, to: request.runtimePublicKey)
        try await audit.record(
            AuditEvent(type: .attestAllowed, policy: document.name, service: service.name, decision: "allowed",
                       details: ["tee": .string(claims.kind.rawValue), "measurement": .string(claims.measurement),
                                 "simulated": .bool(claims.simulated), "job_hash": .string(Hex.encode(request.jobHash)),
                                 "policy_version": .integer(Int64(document.version)), "token_id": .string(tokenClaims.jti)]),
            now: now)
        if !released.isEmpty {
            try await audit.record(
                AuditEvent(type: .secretReleased, policy: document.name, service: service.name, decision: "released",
                           details: ["secrets": .array(released.map { .string($0) }), "token_id": .string(tokenClaims.jti)]),
                now: now)
        }
        logger.info("attestation allowed", metadata: ["policy": "\(document.name)", "service": "\(service.name)", "tee": "\(claims.kind.rawValue)"])
        return AttestationResult(token: token, expiresAt: Date(timeIntervalSince1970: TimeInterval(tokenClaims.exp)),
                                 config: envelope, claims: tokenClaims)
    }

    /// The registry for this request: hardware verifiers plus the simulated TEE trusting the
    /// nodes registered now (whether simulation is acceptable is the policy's decision).
    private func verifiers() async throws -> VerifierRegistry {
        var nodes: [NodePublicKey] = []
        for record in try await store.trustedNodes() {
            if let key = try? NodePublicKey(text: record.publicKey) { nodes.append(key) }
        }
        var registry = VerifierRegistry(hardwareVerifiers)
        registry.register(SimulatedVerifier(trusting: nodes))
        return registry
    }

    /// The service's environment, arguments and files with secrets filled in, and the names of
    /// the secrets that went into them.
    private func configuration(for service: ServicePolicy, of document: PolicyDocument) async throws -> (ServiceConfiguration, [String]) {
        var names = Set<String>()
        func collect(_ text: String) throws(CASError) {
            do { names.formUnion(try ConfigTemplate.secretNames(in: text)) } catch {
                throw CASError(.malformedRequest, error.message)
            }
        }
        for value in service.environment.values { try collect(value) }
        for value in service.arguments { try collect(value) }
        for value in service.files.values { try collect(value) }
        // x509 parts (NAME.crt …) come from their secret NAME.
        let declared = Set(names.map { name in
            document.secret(named: name) != nil ? name : String(name.split(separator: ".").first ?? "")
        })
        let secrets = try await vault.values(for: document, names: declared) { try await latestVersion($0)?.document }
        func render(_ text: String) throws(CASError) -> String {
            do { return try ConfigTemplate.render(text, secrets: secrets) } catch {
                throw CASError(.malformedRequest, error.message)
            }
        }
        var configuration = ServiceConfiguration()
        for (key, value) in service.environment { configuration.environment[key] = try render(value) }
        for value in service.arguments { configuration.arguments.append(try render(value)) }
        for (path, value) in service.files { configuration.files[path] = Array(try render(value).utf8) }
        configuration.unwrap = service.unwrap
        configuration.wrap = service.wrap
        if let results = service.results {
            configuration.results = ServiceConfiguration.ResultsTarget(masterKey: results.masterKey, recipients: results.recipients)
        }
        return (configuration, declared.sorted())
    }

    // MARK: KMS

    /// Unwrapping is allowed to a workload whose service lists the key under `unwrap`, and to a
    /// signed request from an owner of the policy that owns the key or a recipient named in one of
    /// its services' `results` under that key — the people the data belongs to read it so.
    public func unwrap(masterKeyID: String, wrappedKey: String, requester: RequestCredentials, now: Date) async throws -> SecretKey {
        let policy: String, service: String?, actor: String?, details: [String: JSONValue]
        if requester.signature != nil {
            (policy, actor) = try await authorizeSigner(requester, masterKeyID: masterKeyID, operation: "unwrap", now: now) { document in
                document.owners + document.services.flatMap { service -> [NamedKey] in
                    guard let results = service.results, results.masterKey == masterKeyID else { return [] }
                    return (document.owners + document.auditors).filter { results.recipients.contains($0.name) }
                }
            }
            service = nil
            details = ["master_key_id": .string(masterKeyID)]
        } else {
            let claims = try await authorizeWorkload(requester, masterKeyID: masterKeyID, operation: "unwrap", now: now) { $0.unwrap }
            (policy, service, actor) = (claims.policy, claims.service, nil)
            details = ["master_key_id": .string(masterKeyID), "token_id": .string(claims.jti)]
        }
        let masterKey = try await unsealedMasterKey(masterKeyID, policy: policy)
        let key: SecretKey
        do {
            key = try KeyWrapping.unwrap(wrappedKey, masterKey: masterKey, masterKeyID: masterKeyID)
        } catch {
            try await audit.record(AuditEvent(type: .kmsRefused, policy: policy, service: service, actor: actor, decision: "refused",
                                              reason: error.message, details: ["master_key_id": .string(masterKeyID), "operation": "unwrap"]), now: now)
            throw error
        }
        try await audit.record(AuditEvent(type: .kmsUnwrap, policy: policy, service: service, actor: actor, decision: "allowed",
                                          details: details), now: now)
        return key
    }

    /// Wrapping is allowed to a workload whose service lists the key under `wrap`, and to an
    /// owner (signed request) of the policy that owns the key — custodians encrypt data so.
    public func wrap(masterKeyID: String, key: SecretKey, requester: RequestCredentials, now: Date) async throws -> String {
        let policy: String
        let actor: String
        if requester.signature != nil {
            (policy, actor) = try await authorizeSigner(requester, masterKeyID: masterKeyID, operation: "wrap", now: now) { $0.owners }
        } else {
            let claims = try await authorizeWorkload(requester, masterKeyID: masterKeyID, operation: "wrap", now: now) { $0.wrap }
            policy = claims.policy
            actor = claims.sub
        }
        let masterKey = try await unsealedMasterKey(masterKeyID, policy: policy)
        let wrapped = try KeyWrapping.wrap(key, masterKey: masterKey, masterKeyID: masterKeyID)
        try await audit.record(AuditEvent(type: .kmsWrap, policy: policy, actor: actor, decision: "allowed",
                                          details: ["master_key_id": .string(masterKeyID)]), now: now)
        return wrapped
    }

    /// Verifies the bearer token and that the token's service (in the policy as it is now, so
    /// an update revokes) lists the master key.
    /// The policy owning `masterKeyID` and the name of the signer, who must be among `allowed(document)`
    /// of that policy's latest version; refusals are audited.
    private func authorizeSigner(_ requester: RequestCredentials, masterKeyID: String, operation: String, now: Date,
                                 allowed: (PolicyDocument) -> [NamedKey]) async throws -> (policy: String, actor: String) {
        guard let record = try await store.masterKey(id: masterKeyID), let version = try await latestVersion(record.policy) else {
            try await audit.record(AuditEvent(type: .kmsRefused, decision: "refused", reason: "unknown master key \(masterKeyID)",
                                              details: ["master_key_id": .string(masterKeyID), "operation": .string(operation)]), now: now)
            throw CASError(.notFound, "unknown master key \(masterKeyID)")
        }
        do {
            return (record.policy, try requester.signer(among: allowed(version.document), now: now).name)
        } catch {
            try await audit.record(AuditEvent(type: .kmsRefused, policy: record.policy, decision: "refused", reason: error.message,
                                              details: ["master_key_id": .string(masterKeyID), "operation": .string(operation)]), now: now)
            throw error
        }
    }

    private func authorizeWorkload(_ requester: RequestCredentials, masterKeyID: String, operation: String, now: Date,
                                   allowed: (ServicePolicy) -> [String]) async throws -> AttestationTokenClaims {
        func refuse(_ code: CASError.Code, _ reason: String, policy: String? = nil, service: String? = nil) async throws -> Never {
            try await audit.record(AuditEvent(type: .kmsRefused, policy: policy, service: service, decision: "refused", reason: reason,
                                              details: ["master_key_id": .string(masterKeyID), "operation": .string(operation)]), now: now)
            throw CASError(code, reason)
        }
        guard let token = requester.bearerToken else {
            try await refuse(.unauthorized, "\(operation) needs an attestation token (Authorization: Bearer)")
        }
        let claims: AttestationTokenClaims
        do {
            claims = try TokenVerifier(jwks: JWKS(keys: [keyring.tokenKey.jwk])).verify(token, now: now)
        } catch {
            try await refuse(.invalidToken, "token: \(error.message)")
        }
        guard let version = try await latestVersion(claims.policy), let service = version.document.service(named: claims.service) else {
            try await refuse(.forbidden, "the token's policy or service no longer exists", policy: claims.policy, service: claims.service)
        }
        guard allowed(service).contains(masterKeyID) else {
            try await refuse(.forbidden, "service \(claims.service) of policy \(claims.policy) may not \(operation) with master key \(masterKeyID)",
                             policy: claims.policy, service: claims.service)
        }
        return claims
    }

    private func unsealedMasterKey(_ id: String, policy: String) async throws -> SecretKey {
        guard let record = try await store.masterKey(id: id), record.policy == policy else {
            throw CASError(.notFound, "master key \(id) does not exist in policy \(policy)")
        }
        return try keyring.sealer.openKey(record.sealed, purpose: .masterKey, recordID: id)
    }

    // MARK: Audit and nodes

    /// The audit chain. Unfiltered: the CAS administrator and any policy's auditors (the chain
    /// verifies only whole). Filtered by policy: that policy's owners and auditors too.
    public func auditPage(from: Int64, limit: Int, policy: String?, requester: RequestCredentials, now: Date) async throws -> AuditExport {
        var allowed = [NamedKey(name: "administrator", publicKey: keyring.administrator)]
        if let policy {
            let (_, version) = try await requireVersion(policy)
            allowed += version.document.owners + version.document.auditors
        } else {
            for name in try await store.policyNames() {
                if let version = try await latestVersion(name) { allowed += version.document.auditors }
            }
        }
        _ = try requester.signer(among: allowed, now: now)
        let limit = max(1, min(limit, 10_000))
        let records = try await store.auditEntries(from: from, limit: limit, policy: policy)
        // A page that reaches the head of the whole chain gets a checkpoint there, so an export
        // verifies to its last entry (design: checkpoints every 64 entries and on export).
        if policy == nil, let last = records.last, let head = try await store.latestAudit(), head.seq == last.seq {
            try await audit.checkpointHead(now: now)
        }
        var entries: [AuditEntry] = []
        for record in records {
            guard let object = try? JSONDecoder().decode(JSONValue.self, from: Data(record.entryJSON.utf8)).objectValue else {
                throw CASError(.corruptStore, "audit entry \(record.seq) is not a JSON object")
            }
            entries.append(try AuditEntry(json: object))
        }
        let checkpoints = try await store.checkpoints(from: from, limit: limit).map {
            AuditCheckpoint(seq: $0.seq, hash: $0.hash, time: AuditChain.timestamp($0.time), kid: $0.kid, signature: $0.signature)
        }
        return AuditExport(entries: entries, checkpoints: checkpoints)
    }

    /// Signs a checkpoint at the chain's head now (export, shutdown).
    public func checkpoint(now: Date) async throws {
        try await audit.checkpointHead(now: now)
    }

    public func trustNode(name: String, publicKey: String, requester: RequestCredentials, now: Date) async throws -> String {
        let admin = try requester.signer(among: [NamedKey(name: "administrator", publicKey: keyring.administrator)], now: now)
        let key: NodePublicKey
        do { key = try NodePublicKey(text: publicKey) } catch { throw CASError(.malformedRequest, error.message) }
        try await store.putTrustedNode(TrustedNodeRecord(keyID: key.keyID, name: name, publicKey: key.text))
        try await audit.record(AuditEvent(type: .nodeTrusted, actor: admin.name, decision: "trusted",
                                          details: ["node": .string(name), "node_key_id": .string(key.keyID)]), now: now)
        return key.keyID
    }

    /// Records the unseal itself (who unsealed is not known to CAS; how is).
    public func recordUnsealed(method: String, now: Date) async throws {
        try await audit.record(AuditEvent(type: .casUnsealed, decision: "unsealed", details: ["method": .string(method)]), now: now)
    }

    // MARK: Helpers

    private func requireSigner(_ requester: RequestCredentials, among keys: [NamedKey], now: Date) throws(CASError) -> NamedKey {
        try requester.signer(among: keys, now: now)
    }

    private func latestVersion(_ name: String) async throws -> PolicyVersion? {
        try await latestVersionWithRecord(name)?.1
    }

    private func latestVersionWithRecord(_ name: String) async throws -> (PolicyVersionRecord, PolicyVersion)? {
        guard let record = try await store.latestPolicyVersion(name: name) else { return nil }
        do {
            return (record, try policies.version(for: record))
        } catch {
            throw CASError(.corruptStore, "stored policy \(name) version \(record.version) no longer parses: \(error.message)")
        }
    }

    private func requireVersion(_ name: String) async throws -> (PolicyVersionRecord, PolicyVersion) {
        guard let found = try await latestVersionWithRecord(name) else { throw CASError(.notFound, "no policy named \(name)") }
        return found
    }
}
