import CASCore

/// The business logic behind the HTTP API, one method per endpoint of docs/design/cas.md:
/// DTO in, DTO out. The server does transport (TLS, body limits, JSON, problem responses,
/// metrics, logs); an implementation does authorization and everything else, and reports a
/// refusal by throwing `CASError` (or `CASHTTPError`). Any other error becomes a 500 whose detail
/// says nothing.
public protocol CASHandlers: Sendable {
    /// `POST /v1/policies` → 201.
    func applyPolicy(_ submission: PolicySubmission, credentials: RequestCredentials) async throws -> PolicyApplied
    /// `GET /v1/policies/{name}` (SR-Sig owner).
    func policy(named name: String, credentials: RequestCredentials) async throws -> PolicyView
    /// `GET /v1/policies/{name}/versions` (SR-Sig owner).
    func policyVersions(named name: String, credentials: RequestCredentials) async throws -> [PolicyVersionInfo]
    /// `POST /v1/policies/{name}/secrets/{secret}` (SR-Sig owner) → 204.
    func storeSecret(
        policy: String, secret: String, _ envelope: HPKEEnvelope, credentials: RequestCredentials) async throws
    /// `GET /v1/cas-key`: the HPKE key owners encrypt given secrets to.
    func casPublicKey() async throws -> CASPublicKey
    /// `POST /v1/attest/challenge`.
    func challenge(_ request: ChallengeRequest) async throws -> ChallengeResponse
    /// `POST /v1/attest`.
    func attest(_ request: AttestRequest) async throws -> AttestResponse
    /// `POST /v1/kms/wrap` (SR-PoP workload or SR-Sig owner).
    func wrap(_ request: WrapRequest, credentials: RequestCredentials) async throws -> WrapResponse
    /// `POST /v1/kms/unwrap` (SR-PoP workload or SR-Sig owner/recipient).
    func unwrap(_ request: UnwrapRequest, credentials: RequestCredentials) async throws -> UnwrapResponse
    /// `POST /v1/grants` (SR-PoP attested job) → 201: a grant for its helpers.
    func issueGrant(_ request: GrantRequest, credentials: RequestCredentials) async throws -> GrantIssued
    /// `POST /v1/policies/{name}/tokens/revoke` (SR-Sig owner).
    func revokeTokens(policy: String, _ request: TokenRevocation, credentials: RequestCredentials) async throws -> TokensRevoked
    /// `POST /v1/auditors` (SR-Sig CAS admin) → 201.
    func registerAuditor(_ registration: AuditorRegistration, credentials: RequestCredentials) async throws -> AuditorRegistration
    /// `GET /.well-known/jwks.json`.
    func jwks() async throws -> JWKS
    /// `GET /v1/audit` (SR-Sig owner or auditor).
    func audit(_ query: AuditQuery, credentials: RequestCredentials) async throws -> AuditPage
    /// `POST /v1/nodes` (SR-Sig CAS admin) → 201.
    func registerNode(_ registration: NodeRegistration, credentials: RequestCredentials) async throws -> NodeRegistered
    /// `POST /v1/sys/unseal`: one recovery share while sealed.
    func unseal(_ request: UnsealRequest) async throws -> SealStatus
    /// `GET /v1/sys/seal-status`.
    func sealStatus() async throws -> SealStatus
    /// `GET /healthz`: ready, or alive but sealed (503).
    func health() async -> CASHealth
}

public enum CASHealth: Sendable, Equatable {
    case ready
    case sealed
}
