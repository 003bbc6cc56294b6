import Crypto
import Foundation

/// Verifies CAS attestation tokens against the CAS JWKS: only ES256 (never "none" or an HMAC,
/// whose "key" would be the public JWK), known kid, valid signature, then iss, aud and the
/// time window with a small skew.
public struct TokenVerifier: Sendable {
    public let jwks: JWKS
    public let issuer: String
    public let audience: String
    /// Clock skew tolerated on nbf and exp, seconds.
    public let leeway: Int64

    public init(jwks: JWKS, issuer: String = TokenIssuer.issuer, audience: String = TokenIssuer.audience, leeway: Int64 = 30) {
        self.jwks = jwks
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
    }

    public func verify(_ token: String, now: Date) throws(CASError) -> AttestationTokenClaims {
        let parts = try CompactJWS.split(token)
        guard parts.header.alg == "ES256" else {
            throw CASError(.invalidToken, "token algorithm \"\(parts.header.alg.prefix(16))\" is not accepted (ES256 only)")
        }
        if let typ = parts.header.typ, typ.uppercased() != "JWT" {
            throw CASError(.invalidToken, "token type \"\(typ.prefix(16))\" is not JWT")
        }
        guard let kid = parts.header.kid else { throw CASError(.invalidToken, "token header has no kid") }
        guard let jwk = jwks.key(withID: kid) else { throw CASError(.invalidToken, "token key id \(kid.prefix(32)) is unknown") }
        let publicKey = try jwk.publicKey()
        guard parts.signature.count == 64,
              let signature = try? P256.Signing.ECDSASignature(rawRepresentation: parts.signature),
              publicKey.isValidSignature(signature, for: parts.signingInput) else {
            throw CASError(.invalidToken, "token signature does not verify")
        }
        let claims: AttestationTokenClaims
        do {
            claims = try JSONDecoder().decode(AttestationTokenClaims.self, from: Data(parts.payload))
        } catch {
            throw CASError(.invalidToken, "token claims are incomplete or mistyped")
        }
        guard claims.iss == issuer else { throw CASError(.invalidToken, "token issuer is not \(issuer)") }
        guard claims.aud == audience else { throw CASError(.invalidToken, "token audience is not \(audience)") }
        let t = Int64(now.timeIntervalSince1970.rounded(.down))
        guard claims.exp - claims.iat <= TokenIssuer.maximumLifetime else {
            throw CASError(.invalidToken, "token lifetime exceeds \(TokenIssuer.maximumLifetime) s")
        }
        guard claims.nbf <= t + leeway else { throw CASError(.invalidToken, "token is not valid yet") }
        guard claims.exp > t - leeway else { throw CASError(.invalidToken, "token has expired") }
        return claims
    }
}
