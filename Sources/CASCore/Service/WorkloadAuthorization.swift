import Attestation
import Crypto
import Foundation
import Policy
import StrongroomCrypto

/// A workload request CAS accepted: the token's claims, and its policy and service as they are now.
struct AuthorizedWorkload: Sendable {
    var claims: AttestationTokenClaims
    var policy: PolicyLedger.Current
    var service: ServicePolicy
}

extension CASService {
    /// Checks a workload's request (SR-PoP): the token (ES256, issuer, audience, time), the proof
    /// of possession of the runtime signing key the token is bound to, the replay cache, the
    /// policy's revocations, and that the policy as it is now still admits what the token was
    /// issued for. Returns a refusal error; the caller audits it.
    func authorizeWorkload(_ requester: RequestCredentials, now: Date) async throws -> AuthorizedWorkload {
        guard case .proof(let proof)? = requester.authorization else {
            if case .bearer? = requester.authorization {
                throw CASError(.unauthorized, "a bare token is not accepted: sign the request with the runtime key (SR-PoP)")
            }
            throw CASError(.unauthorized, "this request needs an attestation token with proof of possession (Authorization: SR-PoP)")
        }
        let claims: AttestationTokenClaims
        do {
            claims = try TokenVerifier(jwks: JWKS(keys: [keyring.tokenKey.jwk])).verify(proof.token, now: now)
        } catch {
            throw CASError(.invalidToken, "token: \(error.message)")
        }
        guard let signingKey = try? Base64Text.decode(claims.cnfKey, field: "cnf_key"),
              constantTimeEquals(Array(Hex.encode(SHA256.hash(data: signingKey)).utf8), Array(claims.cnfJkt.utf8)) else {
            throw CASError(.invalidToken, "token: cnf_key does not match cnf_jkt")
        }
        try proof.verify(method: requester.method, pathWithQuery: requester.pathWithQuery, body: requester.body,
                         signingKey: signingKey, now: now)
        try await acceptOnce(proof.replayDigest, timestamp: proof.timestamp, window: ProofOfPossession.window, now: now)
        guard let current = try await currentPolicy(claims.policy, now: now) else {
            throw CASError(.revokedToken, "the token's policy \(claims.policy) no longer exists")
        }
        if current.head.revokes(tokenID: claims.jti, issuedAt: claims.iat, parent: claims.parent) {
            throw CASError(.revokedToken, "token \(claims.jti) of policy \(claims.policy) was revoked by an owner")
        }
        guard let service = current.document.service(named: claims.service) else {
            throw CASError(.revokedToken, "policy \(claims.policy) version \(current.document.version) no longer has service \(claims.service)")
        }
        if let reason = Self.stillAdmits(claims, service: service, current: current) {
            throw CASError(.revokedToken, "policy \(claims.policy) version \(current.document.version) \(reason): attest again")
        }
        return AuthorizedWorkload(claims: claims, policy: current, service: service)
    }

    /// Why the current policy no longer admits a token, or nil. A new version revokes at once
    /// every token whose TEE kind, measurement or job it no longer accepts; a change to a kind's
    /// other requirements (values, TCB, tolerated statuses, debug) revokes that kind's tokens.
    static func stillAdmits(_ claims: AttestationTokenClaims, service: ServicePolicy, current: PolicyLedger.Current) -> String? {
        guard let kind = TEEKind(rawValue: claims.tee), let requirement = service.requirement(for: kind) else {
            return "no longer accepts \(claims.tee) evidence for service \(service.name)"
        }
        if kind == .simulated, !service.allowSimulation { return "no longer allows simulated TEEs for service \(service.name)" }
        guard requirement.measurements.contains(claims.measurement) else {
            return "no longer accepts measurement \(claims.measurement.prefix(16))… for service \(service.name)"
        }
        if service.helperOf == nil, let pinned = service.jobHash, pinned != claims.jobHash {
            return "pins another job hash for service \(service.name)"
        }
        guard claims.policyVersion != current.document.version else { return nil }
        guard let issuedUnder = current.version(claims.policyVersion)?.document.service(named: service.name),
              let old = issuedUnder.requirement(for: kind) else {
            return "changed service \(service.name) since the token was issued"
        }
        if old.values != requirement.values || old.minTCB != requirement.minTCB || old.tolerate != requirement.tolerate
            || (issuedUnder.allowDebug && !service.allowDebug) {
            return "changed the \(claims.tee) requirements of service \(service.name)"
        }
        return nil
    }
}
