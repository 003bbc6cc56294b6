/// The claims of a CAS attestation token (docs/design/cas.md "Tokens"). Times are integer
/// seconds since the epoch.
public struct AttestationTokenClaims: Codable, Sendable, Equatable {
    public var iss: String
    public var sub: String
    public var aud: String
    public var iat: Int64
    public var nbf: Int64
    public var exp: Int64
    public var jti: String
    public var policy: String
    public var policyVersion: Int
    public var service: String
    /// The evidence kind (`TEEKind` raw value, e.g. "sev-snp", "simulated").
    public var tee: String
    /// Lowercase hex.
    public var measurement: String
    /// Lowercase hex of the 32-byte job hash.
    public var jobHash: String
    /// SHA-256 hex of the runtime signing key (X9.63) this token is bound to.
    public var cnfJkt: String
    /// The runtime signing key itself (base64 of X9.63): every request with the token is signed by it.
    public var cnfKey: String
    /// For a helper (Spark executor): the token id of the attested job whose grant it used.
    public var parent: String?

    public init(iss: String, sub: String, aud: String, iat: Int64, nbf: Int64, exp: Int64, jti: String,
                policy: String, policyVersion: Int, service: String, tee: String, measurement: String,
                jobHash: String, cnfJkt: String, cnfKey: String, parent: String? = nil) {
        self.cnfKey = cnfKey
        self.parent = parent
        self.iss = iss
        self.sub = sub
        self.aud = aud
        self.iat = iat
        self.nbf = nbf
        self.exp = exp
        self.jti = jti
        self.policy = policy
        self.policyVersion = policyVersion
        self.service = service
        self.tee = tee
        self.measurement = measurement
        self.jobHash = jobHash
        self.cnfJkt = cnfJkt
    }

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, iat, nbf, exp, jti, policy, service, tee, measurement, parent
        case policyVersion = "policy_version"
        case jobHash = "job_hash"
        case cnfJkt = "cnf_jkt"
        case cnfKey = "cnf_key"
    }
}
