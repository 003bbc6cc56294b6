import Attestation
import CASCore
import CASServer
import Crypto
import Foundation
import Policy
import StrongroomCrypto
import Synchronization

/// A small but real CAS behind the HTTP layer, for driving the server and client end to end:
/// nonces are issued once and consumed, report data is checked against the binding, tokens are
/// random and checked in constant time, keys are really wrapped with AES-GCM, requests really signed.
/// Its "evidence" is the simulated kind whose report is the 64 report-data bytes (no verifier here).
final class InMemoryCAS: CASHandlers {
    let owner: OwnerIdentity
    let admin: OwnerIdentity
    let nonceLifetime: TimeInterval

    struct Policy {
        var versions: [(yaml: String, hash: String, appliedAt: Date, signers: [String])]
    }

    struct State {
        var nonces: [[UInt8]: Date] = [:]
        var tokens: [(token: [UInt8], policy: String, service: String, signingKey: [UInt8])] = []
        var masterKeys: [String: SymmetricKey] = [:]
        var policies: [String: Policy] = [:]
        var audit: [WireAuditEntry] = []
        var nodes: [String: String] = [:]
    }

    let state = Mutex(State())

    init(owner: OwnerIdentity, admin: OwnerIdentity, nonceLifetime: TimeInterval = 60) {
        self.owner = owner
        self.admin = admin
        self.nonceLifetime = nonceLifetime
    }

    // MARK: Authorization

    private func requireSigned(by identity: OwnerIdentity, _ credentials: RequestCredentials) throws {
        guard let signature = credentials.signature else {
            throw CASError(.unauthorized, "this endpoint needs an SR-Sig signature")
        }
        guard signature.keyID == identity.publicKey.keyID else {
            throw CASError(.forbidden, "key \(signature.keyID) may not do this")
        }
        try credentials.verifySignature(with: identity.publicKey)
    }

    /// The token's service, found by comparing every stored token in constant time, after the
    /// request's proof of possession of the key the token was issued to.
    private func service(for credentials: RequestCredentials) throws -> (policy: String, service: String)? {
        switch credentials.authorization {
        case .proof(let proof):
            let presented = Array(proof.token.utf8)
            let match = state.withLock { state in
                var found: (String, String, [UInt8])?
                for entry in state.tokens where constantTimeEquals(entry.token, presented) {
                    found = (entry.policy, entry.service, entry.signingKey)
                }
                return found
            }
            guard let match else { throw CASHTTPError.unauthorized("token is not valid") }
            try proof.verify(method: credentials.method, pathWithQuery: credentials.pathWithQuery, body: credentials.body,
                             signingKey: match.2, now: Date())
            return (match.0, match.1)
        case .bearer:
            throw CASError(.unauthorized, "a bare token is not accepted: sign the request with the runtime key (SR-PoP)")
        case .signature:
            try requireSigned(by: owner, credentials)
            return nil
        case nil:
            throw CASHTTPError.unauthorized("a Bearer token or an owner's SR-Sig signature is required")
        }
    }

    private func record(_ type: String, policy: String? = nil, reason: String? = nil) {
        state.withLock { state in
            let seq = Int64(state.audit.count + 1)
            let prev = state.audit.last?.hash ?? String(repeating: "0", count: 64)
            let hash = HexField.encode(Array(SHA256.hash(data: Array("\(prev)\n\(seq)\(type)".utf8))))
            state.audit.append(
                WireAuditEntry(
                    seq: seq, time: RFC3339Field.encode(Date()), type: type, policy: policy, reason: reason,
                    details: ["seq_is": .integer(seq)], prev: prev, hash: hash))
        }
    }

    // MARK: Policies

    func applyPolicy(_ submission: PolicySubmission, credentials: RequestCredentials) async throws -> PolicyApplied {
        let hash = HexField.encode(Array(SHA256.hash(data: Array(submission.policy.utf8))))
        let message = Array("strongroom-policy-v1\n\(hash)".utf8)
        let signers = submission.signatures.filter {
            $0.keyID == owner.publicKey.keyID && owner.publicKey.isValidSignature($0.signature, for: message)
        }.map(\.keyID)
        guard !signers.isEmpty else {
            record("policy.refused", reason: "too few owner signatures")
            throw CASHTTPError.forbidden("policy needs 1 owner signature, got 0 valid")
        }
        guard let nameLine = submission.policy.split(separator: "\n").first(where: { $0.hasPrefix("name: ") }) else {
            throw CASHTTPError.badRequest("policy: name is missing")
        }
        let name = String(nameLine.dropFirst("name: ".count))
        let version = state.withLock { state in
            state.policies[name, default: Policy(versions: [])].versions.append(
                (submission.policy, hash, Date(), signers))
            return state.policies[name]!.versions.count
        }
        record("policy.applied", policy: name)
        return PolicyApplied(name: name, version: version, hash: hash)
    }

    func policy(named name: String, credentials: RequestCredentials) async throws -> PolicyView {
        try requireSigned(by: owner, credentials)
        guard let latest = state.withLock({ $0.policies[name]?.versions.last }) else {
            throw CASHTTPError.notFound("policy \(name) does not exist")
        }
        return PolicyView(
            name: name, version: state.withLock { $0.policies[name]!.versions.count }, hash: latest.hash,
            policy: latest.yaml, secrets: [RedactedSecret(name: "db_password", kind: "given")])
    }

    func policyVersions(named name: String, credentials: RequestCredentials) async throws -> [PolicyVersionInfo] {
        try requireSigned(by: owner, credentials)
        guard let versions = state.withLock({ $0.policies[name]?.versions }) else {
            throw CASHTTPError.notFound("policy \(name) does not exist")
        }
        return versions.enumerated().map { index, version in
            PolicyVersionInfo(
                version: index + 1, hash: version.hash, previous: index == 0 ? nil : versions[index - 1].hash,
                appliedAt: version.appliedAt, signers: version.signers)
        }
    }

    func storeSecret(policy: String, secret: String, _ envelope: HPKEEnvelope, credentials: RequestCredentials)
        async throws
    {
        try requireSigned(by: owner, credentials)
        guard state.withLock({ $0.policies[policy] != nil }) else {
            throw CASHTTPError.notFound("policy \(policy) does not exist")
        }
    }

    func casPublicKey() async throws -> CASPublicKey {
        CASPublicKey(publicKey: Array(P256.KeyAgreement.PrivateKey().publicKey.x963Representation))
    }

    // MARK: Attestation

    func challenge(_ request: ChallengeRequest) async throws -> ChallengeResponse {
        let nonce = (0..<ChallengeResponse.nonceSize).map { _ in UInt8.random(in: 0...255) }
        let expires = Date().addingTimeInterval(nonceLifetime)
        state.withLock { $0.nonces[nonce] = expires }
        return ChallengeResponse(nonce: nonce, expiresAt: expires)
    }

    func attest(_ request: AttestRequest) async throws -> AttestResponse {
        // Consumed first, whatever happens next: a nonce never serves twice.
        let expiry = state.withLock { $0.nonces.removeValue(forKey: request.nonce) }
        guard let expiry, expiry > Date() else {
            record("attest.refused", policy: request.policy, reason: "nonce unknown, used or expired")
            throw CASError(.attestationRefused, "nonce is unknown, already used or expired")
        }
        guard state.withLock({ $0.policies[request.policy] != nil }) else {
            throw CASHTTPError.notFound("policy \(request.policy) does not exist")
        }
        let expected = ReportDataBinding.reportData(
            nonce: request.nonce, runtimePublicKey: request.boundKeys, jobHash: request.jobHash)
        guard request.evidence.kind == .simulated, constantTimeEquals(request.evidence.report, expected) else {
            record("attest.refused", policy: request.policy, reason: "report data mismatch")
            throw CASError(.attestationRefused, "evidence report data is not SHA-512(nonce ‖ runtime key ‖ job hash)")
        }
        let runtimeKey: P256.KeyAgreement.PublicKey
        do {
            runtimeKey = try P256.KeyAgreement.PublicKey(x963Representation: request.runtimePublicKey)
        } catch {
            throw CASHTTPError.badRequest("runtime_public_key is not a P-256 point")
        }
        let token = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        state.withLock { $0.tokens.append((Array(token.utf8), request.policy, request.service, request.runtimeSigningKey)) }
        let config = try Self.seal(Array(#"{"environment":{"MODE":"attested"}}"#.utf8), to: runtimeKey)
        record("attest.allowed", policy: request.policy)
        return AttestResponse(token: token, expiresAt: Date().addingTimeInterval(3600), config: config)
    }

    /// ECDH(P-256) + HKDF-SHA256 + AES-256-GCM to the runtime key (a stand-in for the HPKE envelope).
    static func seal(_ plaintext: [UInt8], to recipient: P256.KeyAgreement.PublicKey) throws -> HPKEEnvelope {
        let ephemeral = P256.KeyAgreement.PrivateKey()
        let key = try ephemeral.sharedSecretFromKeyAgreement(with: recipient).hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: [], sharedInfo: Array("strongroom-config-v1".utf8), outputByteCount: 32)
        let box = try AES.GCM.seal(plaintext, using: key)
        return HPKEEnvelope(enc: Array(ephemeral.publicKey.x963Representation), ciphertext: Array(box.combined!))
    }

    static func open(_ envelope: HPKEEnvelope, with recipient: P256.KeyAgreement.PrivateKey) throws -> [UInt8] {
        let sender = try P256.KeyAgreement.PublicKey(x963Representation: envelope.enc)
        let key = try recipient.sharedSecretFromKeyAgreement(with: sender).hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: [], sharedInfo: Array("strongroom-config-v1".utf8), outputByteCount: 32)
        return Array(try AES.GCM.open(AES.GCM.SealedBox(combined: envelope.ciphertext), using: key))
    }

    // MARK: KMS

    private func masterKey(_ id: String) -> SymmetricKey {
        state.withLock { state in
            if let key = state.masterKeys[id] { return key }
            let key = SymmetricKey(size: .bits256)
            state.masterKeys[id] = key
            return key
        }
    }

    func wrap(_ request: WrapRequest, credentials: RequestCredentials) async throws -> WrapResponse {
        if let (_, service) = try service(for: credentials), service != "query" {
            record("kms.refused", reason: "service may not wrap")
            throw CASHTTPError.forbidden("service \(service) may not wrap with \(request.masterKeyID)")
        }
        let box = try AES.GCM.seal(
            request.key, using: masterKey(request.masterKeyID), authenticating: Array(request.masterKeyID.utf8))
        record("kms.wrap")
        return WrapResponse(wrappedKey: box.combined!.base64EncodedString())
    }

    func unwrap(_ request: UnwrapRequest, credentials: RequestCredentials) async throws -> UnwrapResponse {
        _ = try service(for: credentials)
        guard state.withLock({ $0.masterKeys[request.masterKeyID] != nil }) else {
            record("kms.refused", reason: "unknown key id")
            throw CASHTTPError.notFound("master key \(request.masterKeyID) does not exist")
        }
        guard let wrapped = Data(base64Encoded: request.wrappedKey),
            let box = try? AES.GCM.SealedBox(combined: wrapped),
            let key = try? AES.GCM.open(
                box, using: masterKey(request.masterKeyID), authenticating: Array(request.masterKeyID.utf8))
        else {
            record("kms.refused", reason: "wrapped key does not open")
            throw CASHTTPError.badRequest("wrapped_key does not open under master key \(request.masterKeyID)")
        }
        record("kms.unwrap")
        return UnwrapResponse(key: Array(key))
    }

    func issueGrant(_ request: GrantRequest, credentials: RequestCredentials) async throws -> GrantIssued {
        _ = try service(for: credentials)
        throw CASHTTPError.notFound("this test CAS issues no grants")
    }

    func revokeTokens(policy: String, _ request: TokenRevocation, credentials: RequestCredentials) async throws -> TokensRevoked {
        try requireSigned(by: owner, credentials)
        state.withLock { state in state.tokens.removeAll { $0.policy == policy } }
        record("tokens.revoked", policy: policy)
        return TokensRevoked(policy: policy, tokenID: nil, notBefore: Date())
    }

    func registerAuditor(_ registration: AuditorRegistration, credentials: RequestCredentials) async throws -> AuditorRegistration {
        try requireSigned(by: admin, credentials)
        return registration
    }

    func jwks() async throws -> JWKS {
        JWKS(keys: [JWK(publicKey: P256.Signing.PrivateKey().publicKey)])
    }

    // MARK: Audit and administration

    func audit(_ query: AuditQuery, credentials: RequestCredentials) async throws -> AuditPage {
        try requireSigned(by: owner, credentials)
        let entries = state.withLock { $0.audit }
            .filter { $0.seq >= query.from && (query.policy == nil || $0.policy == query.policy) }
            .prefix(query.limit)
        return AuditPage(entries: Array(entries), checkpoints: [])
    }

    func registerNode(_ registration: NodeRegistration, credentials: RequestCredentials) async throws -> NodeRegistered {
        try requireSigned(by: admin, credentials)
        let key: OwnerPublicKey
        do {
            key = try OwnerPublicKey(text: registration.publicKey)
        } catch {
            throw CASHTTPError.badRequest("public_key: \(error.message)")
        }
        let id = HexField.encode(Array(SHA256.hash(data: key.raw)))
        state.withLock { $0.nodes[id] = registration.name }
        record("node.trusted")
        return NodeRegistered(name: registration.name, nodeKeyID: id)
    }

    func unseal(_ request: UnsealRequest) async throws -> SealStatus {
        throw CASHTTPError.conflict("CAS is not sealed")
    }

    func sealStatus() async throws -> SealStatus { SealStatus(sealed: false, sharesReceived: 0, threshold: 0) }

    func health() async -> CASHealth { .ready }
}
