import Attestation
import Crypto
import Foundation
import Policy
import StrongroomCrypto
import Support

extension CASService {
    /// An attested job (SR-PoP) obtains authority for its helpers: service `helperService` must
    /// name the job's service in `helper_of`; the helpers must run exactly `helperJobHash`, which the
    /// job computed from its own installation. The grant lives as long as the job's token and dies
    /// with its revocation. The secret half is returned once and kept only as a digest.
    public func issueGrant(helperService: String, helperJobHash: String, requester: RequestCredentials, now: Date) async throws
        -> (grant: GrantCredential, expiresAt: Date)
    {
        var policy: String?
        do {
            guard LowercaseHex.isHex(helperJobHash, length: 64) else {
                throw CASError(.malformedRequest, "job_hash must be 64 lowercase hex characters (SHA-256)")
            }
            let workload = try await authorizeWorkload(requester, now: now)
            policy = workload.claims.policy
            guard let helper = workload.policy.document.service(named: helperService) else {
                throw CASError(.notFound, "policy \(workload.claims.policy) has no service \(helperService)")
            }
            guard helper.helperOf == workload.claims.service else {
                throw CASError(.forbidden, "service \(helperService) is not a helper of \(workload.claims.service) (helper_of)")
            }
            guard workload.claims.parent == nil else { throw CASError(.forbidden, "a helper cannot grant further helpers") }
            let credential = GrantCredential(id: Hex.encode(SecureRandom.bytes(count: 16)), secret: SecureRandom.bytes(count: 32))
            let record = HelperGrant(
                policy: workload.claims.policy, service: helperService, parentService: workload.claims.service,
                parentTokenID: workload.claims.jti, parentIssuedAt: workload.claims.iat, jobHash: helperJobHash,
                secretDigest: Hex.encode(SHA256.hash(data: credential.secret)), expiresAt: workload.claims.exp)
            try await records.insert(record, kind: .grant, key: credential.id)
            try await audit.record(
                AuditEvent(type: .grantIssued, policy: workload.claims.policy, service: helperService, decision: "granted",
                           details: ["grant_id": .string(credential.id), "parent_token_id": .string(workload.claims.jti),
                                     "job_hash": .string(helperJobHash)]), now: now)
            return (credential, Date(timeIntervalSince1970: TimeInterval(record.expiresAt)))
        } catch let error as CASError {
            if error.code != .tamperedStore {
                try await audit.record(AuditEvent(type: .grantRefused, policy: policy, service: helperService, decision: "refused",
                                                  reason: error.message), now: now)
            }
            throw error
        }
    }
}
