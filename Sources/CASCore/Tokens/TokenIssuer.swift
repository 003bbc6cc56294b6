import Crypto
import Foundation
import StrongroomCrypto
import Support

/// Issues CAS attestation tokens: compact JWS, ES256, header {alg, kid, typ}.
public struct TokenIssuer: Sendable {
    public static let issuer = "strongroom-cas"
    public static let audience = "strongroom"
    /// Tokens never live longer than this (docs/design/cas.md: exp ≤ 1 h).
    public static let maximumLifetime: Int64 = 3600

    public let signingKey: ES256SigningKey
    public let lifetime: Int64

    public init(signingKey: ES256SigningKey, lifetime: Int64 = TokenIssuer.maximumLifetime) throws(CASError) {
        guard lifetime > 0, lifetime <= Self.maximumLifetime else {
            throw CASError(.internalFailure, "token lifetime must be 1…\(Self.maximumLifetime) s, got \(lifetime)")
        }
        self.signingKey = signingKey
        self.lifetime = lifetime
    }

    /// Claims for one successful attestation, timed from `now` (whole seconds), bound to the
    /// runtime's signing key; a helper's token ends no later than `notAfter` (its grant).
    public func claims(policy: String, policyVersion: Int, service: String, tee: String, measurement: String,
                       jobHash: [UInt8], runtimeSigningKey: [UInt8], parent: String? = nil, notAfter: Int64? = nil,
                       now: Date) -> AttestationTokenClaims {
        let iat = Int64(now.timeIntervalSince1970.rounded(.down))
        let exp = min(iat + lifetime, notAfter ?? Int64.max)
        return AttestationTokenClaims(
            iss: Self.issuer, sub: "\(policy)/\(service)", aud: Self.audience, iat: iat, nbf: iat, exp: exp,
            jti: Hex.encode(SecureRandom.bytes(count: 16)),
            policy: policy, policyVersion: policyVersion, service: service, tee: tee, measurement: measurement,
            jobHash: Hex.encode(jobHash), cnfJkt: Hex.encode(SHA256.hash(data: runtimeSigningKey)),
            cnfKey: Base64Text.encode(runtimeSigningKey), parent: parent)
    }

    /// Signs `claims`; refuses claims that outlive the maximum or expire before they start.
    public func issue(_ claims: AttestationTokenClaims) throws(CASError) -> String {
        guard claims.exp > claims.nbf, claims.exp - claims.iat <= Self.maximumLifetime, claims.nbf >= claims.iat else {
            throw CASError(.internalFailure, "token claims must satisfy iat ≤ nbf < exp ≤ iat + \(Self.maximumLifetime)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let payload = try? encoder.encode(claims) else { throw CASError(.internalFailure, "token claims encoding failed") }
        let input = try CompactJWS.signingInput(header: JOSEHeader(alg: "ES256", kid: signingKey.kid, typ: "JWT"),
                                                payload: [UInt8](payload))
        let signature = try signingKey.sign(Array(input.utf8))
        return input + "." + Base64URL.encode(signature)
    }
}
