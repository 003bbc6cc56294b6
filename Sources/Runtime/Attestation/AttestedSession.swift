import CASClient
import CASCore
import Crypto
import Foundation

/// A successful attestation: the service's configuration, and the token that authorises KMS
/// calls with the runtime signing key it is bound to. Both stay inside this object — never
/// logged, printed or written to disk (there is no accessor; `kmsClient()` uses them) — and the
/// session expires with the token.
public final class AttestedSession: Sendable, CustomStringConvertible {
    public let client: CASClient
    public let configuration: ServiceConfiguration
    public let expiresAt: Date
    public let policy: String
    public let service: String
    public let jobHash: [UInt8]
    private let token: String
    private let signingKey: P256.Signing.PrivateKey

    init(client: CASClient, token: String, signingKey: P256.Signing.PrivateKey, expiresAt: Date,
         configuration: ServiceConfiguration, policy: String, service: String, jobHash: [UInt8]) {
        self.client = client
        self.token = token
        self.signingKey = signingKey
        self.expiresAt = expiresAt
        self.configuration = configuration
        self.policy = policy
        self.service = service
        self.jobHash = jobHash
    }

    /// Parquet's key provider through CAS with this session's token.
    public func kmsClient() -> CASKMSClient {
        CASKMSClient(client: client, credential: credential)
    }

    private var credential: CASCredential { .workload(token: token, signingKey: signingKey) }

    /// A grant for `helperService` (its `helper_of` is this session's service) to run `helperJob`.
    public func grant(helperService: String, helperJob: JobManifest) async throws(RuntimeError) -> String {
        do {
            return try await client.issueGrant(GrantRequest(service: helperService, jobHash: helperJob.hashHex), credential: credential).grant
        } catch {
            throw RuntimeAttestation.casFailure("a grant for \(helperService)", error, url: client.baseURL)
        }
    }

    /// The master key the policy names for results (`results.master_key`).
    public var resultsMasterKey: String? { configuration.results?.masterKey }

    public func shutdown() async {
        try? await client.shutdown()
    }

    public var description: String {
        "attested session for \(policy)/\(service) (token until \(expiresAt))"
    }
}
