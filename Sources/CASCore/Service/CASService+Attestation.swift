import Attestation
import Crypto
import Foundation
import Policy
import StrongroomCrypto

extension CASService {
    public func challenge(now: Date) async throws -> (nonce: [UInt8], expiresAt: Date) {
        let nonce = SecureRandom.bytes(count: 32)
        let expiresAt = now.addingTimeInterval(nonceLifetime)
        if noncePurge.isDue(now: now) {
            try await store.purgeExpiredNonces(now: now)
            try await store.purgeExpiredReplays(now: now)
        }
        try await store.insertNonce(nonce, expiresAt: expiresAt)
        return (nonce, expiresAt)
    }

    /// What `POST /v1/attest` carries (the wire DTO is the request).
    public typealias AttestationRequest = AttestRequest

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
        guard (try? P256.Signing.PublicKey(x963Representation: request.runtimeSigningKey)) != nil,
              request.runtimeSigningKey != request.runtimePublicKey else {
            try await refuse("runtime_signing_key is not an uncompressed P-256 point distinct from runtime_public_key")
        }
        guard try await store.consumeNonce(request.nonce, now: now) else {
            try await refuse("nonce unknown, already used or expired")
        }
        let current: PolicyLedger.Current
        do {
            guard let found = try await currentPolicy(request.policy, now: now) else { try await refuse("no policy named \(request.policy)") }
            current = found
        } catch let error as CASError where error.code == .tamperedStore {
            try await refuse("policy \(request.policy): \(error.message)")
        }
        let document = current.document
        guard let service = document.service(named: request.service) else {
            try await refuse("policy \(request.policy) has no service \(request.service)")
        }
        let registry = try await verifiers(now: now)
        let claims: AttestationClaims
        do {
            claims = try registry.verify(request.evidence, now: now)
        } catch {
            try await refuse("evidence: \(error.description)")
        }
        let expected = ReportDataBinding.reportData(
            nonce: request.nonce, runtimePublicKey: request.runtimePublicKey + request.runtimeSigningKey, jobHash: request.jobHash)
        guard constantTimeEquals(claims.reportData, expected) else {
            try await refuse("report data does not bind this nonce, runtime keys and job hash", claims: claims)
        }
        var grant: (id: String, record: HelperGrant)?
        do {
            grant = try await admitHelper(request, service: service, current: current, now: now)
        } catch let error as CASError {
            try await refuse(error.message, claims: claims)
        }
        if case .failsToMeetPolicy(let refusal) = PolicyEvaluator.evaluate(policy: document, service: request.service, claims: claims, jobHash: request.jobHash) {
            try await refuse(refusal.reason, claims: claims)
        }
        let (configuration, released): (ServiceConfiguration, [String])
        do {
            (configuration, released) = try await self.configuration(for: service, of: current, now: now)
        } catch let error as CASError {
            try await refuse("configuration: \(error.message)", claims: claims)
        }
        let issuer = try TokenIssuer(signingKey: keyring.tokenKey)
        let tokenClaims = issuer.claims(
            policy: document.name, policyVersion: document.version, service: service.name, tee: claims.kind.rawValue,
            measurement: claims.measurement, jobHash: request.jobHash, runtimeSigningKey: request.runtimeSigningKey,
            parent: grant?.record.parentTokenID, notAfter: grant?.record.expiresAt, now: now)
        let token = try issuer.issue(tokenClaims)
        let envelope = try ConfigEnvelope.seal(configuration, to: request.runtimePublicKey)
        var details: [String: JSONValue] = [
            "tee": .string(claims.kind.rawValue), "measurement": .string(claims.measurement),
            "simulated": .bool(claims.simulated), "job_hash": .string(Hex.encode(request.jobHash)),
            "policy_version": .integer(Int64(document.version)), "token_id": .string(tokenClaims.jti),
        ]
        if let grant {
            details["grant_id"] = .string(grant.id)
            details["parent_token_id"] = .string(grant.record.parentTokenID)
        }
        try await audit.record(
            AuditEvent(type: .attestAllowed, policy: document.name, service: service.name, decision: "allowed", details: details),
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

    /// A helper service attests only with a valid grant for exactly this job; any other service
    /// only without one.
    private func admitHelper(_ request: AttestationRequest, service: ServicePolicy, current: PolicyLedger.Current,
                             now: Date) async throws -> (id: String, record: HelperGrant)? {
        guard let parent = service.helperOf else {
            guard request.grant == nil else {
                throw CASError(.forbidden, "service \(service.name) is not a helper (helper_of); it attests without a grant")
            }
            return nil
        }
        guard let text = request.grant else {
            throw CASError(.forbidden, "service \(service.name) helps \(parent): it attests only with a grant from an attested \(parent) job")
        }
        let credential = try GrantCredential(text: text)
        guard let entry = try await read(.grant, key: credential.id, as: HelperGrant.self, policy: current.document.name, now: now) else {
            throw CASError(.forbidden, "grant \(credential.id) is unknown")
        }
        let grant = entry.payload
        guard constantTimeEquals(Array(Hex.encode(SHA256.hash(data: credential.secret)).utf8), Array(grant.secretDigest.utf8)) else {
            throw CASError(.forbidden, "grant \(credential.id): wrong secret")
        }
        guard grant.policy == current.document.name, grant.service == service.name, grant.parentService == parent else {
            throw CASError(.forbidden, "grant \(credential.id) is for service \(grant.service) of policy \(grant.policy)")
        }
        let t = Int64(now.timeIntervalSince1970.rounded(.down))
        guard grant.expiresAt > t else { throw CASError(.forbidden, "grant \(credential.id) has expired") }
        guard !current.head.revokes(tokenID: grant.parentTokenID, issuedAt: grant.parentIssuedAt, parent: nil) else {
            throw CASError(.forbidden, "grant \(credential.id): the job that granted it was revoked")
        }
        guard constantTimeEquals(Array(grant.jobHash.utf8), Array(Hex.encode(request.jobHash).utf8)) else {
            throw CASError(.forbidden, "grant \(credential.id) admits another helper job (job hash differs: the helper's code is not the code the job granted)")
        }
        return (credential.id, grant)
    }

    /// The registry for this request: hardware verifiers plus the simulated TEE trusting the
    /// nodes the administrator registered (rows whose MAC fails are audited and ignored).
    private func verifiers(now: Date) async throws -> VerifierRegistry {
        var nodes: [NodePublicKey] = []
        for record in try await store.trustedNodes() {
            guard RowMAC.verify(record, sealer: keyring.sealer) else {
                _ = await tampered(StoreTampering(table: "nodes", row: record.keyID.prefix(64).description,
                                                  "its MAC does not verify (not registered through CAS)"), now: now)
                continue
            }
            if let key = try? NodePublicKey(text: record.publicKey), key.keyID == record.keyID { nodes.append(key) }
        }
        var registry = VerifierRegistry(hardwareVerifiers)
        registry.register(SimulatedVerifier(trusting: nodes))
        return registry
    }

    /// The service's environment, arguments and files with secrets filled in, and the names of
    /// the secrets that went into them.
    private func configuration(for service: ServicePolicy, of current: PolicyLedger.Current, now: Date) async throws -> (ServiceConfiguration, [String]) {
        let document = current.document
        var names = Set<String>()
        func collect(_ text: String) throws(CASError) {
            do { names.formUnion(try ConfigTemplate.secretNames(in: text)) } catch {
                throw CASError(.malformedRequest, error.message)
            }
        }
        for value in service.environment.values { try collect(value) }
        for value in service.files.values { try collect(value) }
        for value in service.arguments where (try? ConfigTemplate.secretNames(in: value))?.isEmpty == false {
            // The parser refuses these; a stored policy from before that rule must not leak either.
            throw CASError(.forbidden, "secrets in arguments would be visible to every local user (\(value.prefix(0)))")
        }
        // x509 parts (NAME.crt …) come from their secret NAME.
        let declared = Set(names.map { name in
            document.secret(named: name) != nil ? name : String(name.split(separator: ".").first ?? "")
        })
        let secrets: [String: [UInt8]]
        do {
            secrets = try await vault.values(for: document, firstVersionHash: current.head.firstHash, names: declared) { name in
                try await currentPolicy(name, now: now)?.document
            }
        } catch let error as CASError where error.code == .corruptStore {
            // A sealed secret that does not open under its policy and name was changed or copied in the database.
            throw await tampered(StoreTampering(table: "secrets", row: document.name, error.message), policy: document.name, now: now)
        }
        func render(_ text: String) throws(CASError) -> String {
            do { return try ConfigTemplate.render(text, secrets: secrets) } catch {
                throw CASError(.malformedRequest, error.message)
            }
        }
        var configuration = ServiceConfiguration()
        for (key, value) in service.environment { configuration.environment[key] = try render(value) }
        configuration.arguments = service.arguments
        for (path, value) in service.files { configuration.files[path] = Array(try render(value).utf8) }
        configuration.unwrap = service.unwrap
        configuration.wrap = service.wrap
        if let results = service.results {
            configuration.results = ServiceConfiguration.ResultsTarget(masterKey: results.masterKey, recipients: results.recipients)
        }
        return (configuration, declared.sorted())
    }
}
