import CASClient
import CASCore
import Foundation

/// A successful attestation: the service's configuration, and the token that authorises KMS
/// calls. The token stays inside this object — it is never logged, printed or written to disk
/// (there is no accessor; `kmsClient()` uses it) — and expires with the session.
public final class AttestedSession: Sendable, CustomStringConvertible {
    public let client: CASClient
    public let configuration: ServiceConfiguration
    public let expiresAt: Date
    public let policy: String
    public let service: String
    public let jobHash: [UInt8]
    private let token: String

    init(client: CASClient, token: String, expiresAt: Date, configuration: ServiceConfiguration,
         policy: String, service: String, jobHash: [UInt8]) {
        self.client = client
        self.token = token
        self.expiresAt = expiresAt
        self.configuration = configuration
        self.policy = policy
        self.service = service
        self.jobHash = jobHash
    }

    /// Parquet's key provider through CAS with this session's token.
    public func kmsClient() -> CASKMSClient {
        CASKMSClient(client: client, credential: .bearer(token))
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
