import Attestation
import CASClient
import CASCore
import Crypto
import Foundation
import Support

/// The workload's side of `POST /v1/attest` (docs/design/cas.md): two ephemeral P-256 keys (key
/// agreement for the configuration, signing for every later request), a nonce from CAS, evidence
/// whose report data binds SHA-512(nonce ‖ both public keys ‖ job hash), then the token and the
/// service's configuration opened with the ephemeral key.
public struct RuntimeAttestation: Sendable {
    public var policy: String
    public var service: String
    public var evidenceSource: EvidenceSource
    /// A helper's grant from the attested job it helps (`srg1.…`).
    public var grant: String?

    public init(policy: String, service: String, evidenceSource: EvidenceSource, grant: String? = nil) {
        self.policy = policy
        self.service = service
        self.evidenceSource = evidenceSource
        self.grant = grant
    }

    /// Attests with `client`, which the returned session owns from then on (it is shut down with
    /// the session, or here when attestation fails).
    public func attest(client: CASClient, jobHash: [UInt8]) async throws(RuntimeError) -> AttestedSession {
        do {
            return try await exchange(client: client, jobHash: jobHash)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func exchange(client: CASClient, jobHash: [UInt8]) async throws(RuntimeError) -> AttestedSession {
        guard jobHash.count == AttestRequest.jobHashSize else {
            throw RuntimeError(.configuration, "the job hash must be 32 bytes (SHA-256), got \(jobHash.count)")
        }
        // Ephemeral: lives only in this process for this one exchange.
        let runtimeKey = P256.KeyAgreement.PrivateKey()
        let signingKey = P256.Signing.PrivateKey()
        let publicKey = [UInt8](runtimeKey.publicKey.x963Representation)
        let signingPublicKey = [UInt8](signingKey.publicKey.x963Representation)
        let challenge: ChallengeResponse
        do {
            challenge = try await client.challenge()
        } catch {
            throw Self.casFailure("a nonce", error, url: client.baseURL)
        }
        let reportData = ReportDataBinding.reportData(nonce: challenge.nonce, runtimePublicKey: publicKey + signingPublicKey, jobHash: jobHash)
        let source = evidenceSource
        // The agent exchange and configfs I/O block: keep them off the cooperative pool.
        let evidence: Evidence
        do {
            evidence = try await Offload.run { () throws -> Evidence in try source.evidence(reportData: reportData) }
        } catch let error as RuntimeError {
            throw error
        } catch {
            throw RuntimeError(.evidence, "cannot obtain evidence")
        }
        let response: AttestResponse
        do {
            response = try await client.attest(
                AttestRequest(policy: policy, service: service, nonce: challenge.nonce, evidence: evidence,
                              runtimePublicKey: publicKey, runtimeSigningKey: signingPublicKey, jobHash: jobHash, grant: grant))
        } catch {
            throw Self.casFailure("attestation", error, url: client.baseURL)
        }
        let configuration: ServiceConfiguration
        do {
            configuration = try response.config.openConfiguration(with: runtimeKey)
        } catch {
            throw RuntimeError(.configuration, "the configuration from CAS does not open with this runtime's key: \(error.message)")
        }
        return AttestedSession(client: client, token: response.token, signingKey: signingKey, expiresAt: response.expiresAt,
                               configuration: configuration, policy: policy, service: service, jobHash: jobHash)
    }

    /// "CAS refused attestation: measurement … not in …" — the problem's detail as CAS wrote it
    /// (CAS puts no secret in it); transport failures name the URL.
    static func casFailure(_ what: String, _ error: CASClientError, url: String) -> RuntimeError {
        switch error.code {
        case .refused: RuntimeError(.attestationRefused, "CAS refused \(what): \(error.detail)")
        case .transport: RuntimeError(.attestation, "cannot reach CAS at \(url) for \(what): \(error.detail)")
        default: RuntimeError(.attestation, "\(what) with CAS at \(url) failed: \(error.detail)")
        }
    }
}
