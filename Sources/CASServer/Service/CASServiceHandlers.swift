import Attestation
import CASCore
import Foundation
import Policy
import StrongroomCrypto

/// The HTTP API over CASService: DTOs in, the service's decisions, DTOs out.
public struct CASServiceHandlers: CASHandlers {
    public let gate: CASGate
    let clock: @Sendable () -> Date

    public init(gate: CASGate, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.gate = gate
        self.clock = clock
    }

    public func applyPolicy(_ submission: PolicySubmission, credentials: RequestCredentials) async throws -> PolicyApplied {
        let applied = try await gate.service().applyPolicy(submission, now: clock())
        return PolicyApplied(name: applied.name, version: applied.version, hash: applied.hash)
    }

    public func policy(named name: String, credentials: RequestCredentials) async throws -> PolicyView {
        let view = try await gate.service().policy(name, requester: credentials, now: clock())
        return PolicyView(
            name: view.record.name, version: Int(view.record.version), hash: view.record.hash,
            policy: String(decoding: view.record.yaml, as: UTF8.self),
            secrets: view.secrets.map { RedactedSecret(name: $0.name, kind: $0.kind) })
    }

    public func policyVersions(named name: String, credentials: RequestCredentials) async throws -> [PolicyVersionInfo] {
        try await gate.service().policyVersions(name, requester: credentials, now: clock()).map {
            PolicyVersionInfo(version: Int($0.version), hash: $0.hash, previous: $0.previous, appliedAt: $0.appliedAt,
                              signers: $0.signatures.map(\.keyID))
        }
    }

    public func storeSecret(policy: String, secret: String, _ envelope: HPKEEnvelope, credentials: RequestCredentials) async throws {
        try await gate.service().putGivenSecret(policy: policy, secret: secret, envelope: envelope, requester: credentials, now: clock())
    }

    public func casPublicKey() async throws -> CASPublicKey {
        CASPublicKey(publicKey: try gate.service().envelopePublicKey)
    }

    public func challenge(_ request: ChallengeRequest) async throws -> ChallengeResponse {
        let (nonce, expiresAt) = try await gate.service().challenge(now: clock())
        return ChallengeResponse(nonce: nonce, expiresAt: expiresAt)
    }

    public func attest(_ request: AttestRequest) async throws -> AttestResponse {
        let result = try await gate.service().attest(request, now: clock())
        return AttestResponse(token: result.token, expiresAt: result.expiresAt, config: result.config)
    }

    public func wrap(_ request: WrapRequest, credentials: RequestCredentials) async throws -> WrapResponse {
        var keyBytes = request.key
        defer { zeroize(&keyBytes) }
        guard let key = try? SecretKey(bytes: keyBytes) else {
            throw CASError(.malformedRequest, "key must be 16, 24 or 32 bytes")
        }
        let wrapped = try await gate.service().wrap(
            masterKeyID: request.masterKeyID, key: key, policy: request.policy, requester: credentials, now: clock())
        return WrapResponse(wrappedKey: wrapped)
    }

    public func unwrap(_ request: UnwrapRequest, credentials: RequestCredentials) async throws -> UnwrapResponse {
        let key = try await gate.service().unwrap(
            masterKeyID: request.masterKeyID, wrappedKey: request.wrappedKey, policy: request.policy, requester: credentials,
            now: clock())
        return UnwrapResponse(key: key.withUnsafeBytes { [UInt8]($0) })
    }

    public func issueGrant(_ request: GrantRequest, credentials: RequestCredentials) async throws -> GrantIssued {
        let (grant, expiresAt) = try await gate.service().issueGrant(
            helperService: request.service, helperJobHash: request.jobHash, requester: credentials, now: clock())
        return GrantIssued(grant: grant.text, expiresAt: expiresAt)
    }

    public func revokeTokens(policy: String, _ request: TokenRevocation, credentials: RequestCredentials) async throws -> TokensRevoked {
        let (tokenID, notBefore) = try await gate.service().revokeTokens(
            policy: policy, tokenID: request.tokenID, requester: credentials, now: clock())
        return TokensRevoked(policy: policy, tokenID: tokenID, notBefore: notBefore)
    }

    public func registerAuditor(_ registration: AuditorRegistration, credentials: RequestCredentials) async throws -> AuditorRegistration {
        _ = try await gate.service().registerAuditor(
            name: registration.name, publicKey: registration.publicKey, requester: credentials, now: clock())
        return registration
    }

    public func jwks() async throws -> JWKS {
        try gate.service().jwks
    }

    public func audit(_ query: AuditQuery, credentials: RequestCredentials) async throws -> AuditPage {
        let export = try await gate.service().auditPage(
            from: Int64(query.from), limit: query.limit, policy: query.policy, requester: credentials, now: clock())
        let decoder = APIJSON.decoder()
        // Core's entries and the wire type share one JSON form; go through it.
        let entries = try export.entries.map { entry in
            try decoder.decode(WireAuditEntry.self, from: Data(CanonicalJSON.encode(entry.jsonValue())))
        }
        let checkpoints = export.checkpoints.map {
            WireAuditCheckpoint(seq: $0.seq, hash: $0.hash, time: $0.time, kid: $0.kid, signature: Base64Field.encode($0.signature))
        }
        return AuditPage(entries: entries, checkpoints: checkpoints)
    }

    public func registerNode(_ registration: NodeRegistration, credentials: RequestCredentials) async throws -> NodeRegistered {
        let keyID = try await gate.service().trustNode(
            name: registration.name, publicKey: registration.publicKey, requester: credentials, now: clock())
        return NodeRegistered(name: registration.name, nodeKeyID: keyID)
    }

    public func unseal(_ request: UnsealRequest) async throws -> SealStatus {
        try await gate.addShare(request.share)
    }

    public func sealStatus() async throws -> SealStatus {
        gate.status
    }

    public func health() async -> CASHealth {
        gate.status.sealed ? .sealed : .ready
    }
}
