/// The CAS API's paths, one definition for the server's router, the client and the OpenAPI document.
public enum CASRoutes {
    public static let policies = "/v1/policies"
    public static func policy(_ name: String) -> String { "/v1/policies/\(segment(name))" }
    public static func policyVersions(_ name: String) -> String { "/v1/policies/\(segment(name))/versions" }
    public static func policySecret(_ name: String, _ secret: String) -> String {
        "/v1/policies/\(segment(name))/secrets/\(segment(secret))"
    }
    public static func policyTokenRevocation(_ name: String) -> String { "/v1/policies/\(segment(name))/tokens/revoke" }
    public static let grants = "/v1/grants"
    public static let auditors = "/v1/auditors"
    public static let casKey = "/v1/cas-key"
    public static let challenge = "/v1/attest/challenge"
    public static let attest = "/v1/attest"
    public static let kmsWrap = "/v1/kms/wrap"
    public static let kmsUnwrap = "/v1/kms/unwrap"
    public static let jwks = "/.well-known/jwks.json"
    public static let audit = "/v1/audit"
    public static let nodes = "/v1/nodes"
    public static let unseal = "/v1/sys/unseal"
    public static let sealStatus = "/v1/sys/seal-status"
    public static let health = "/healthz"
    public static let metrics = "/metrics"

    /// Policy and secret names are `[a-z0-9][a-z0-9-_.]{0,62}`; anything else is percent-encoded
    /// so a hostile name cannot change the path.
    static func segment(_ text: String) -> String { AuditQuery.percentEncode(text) }
}
