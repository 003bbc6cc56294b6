import Crypto
import Foundation
import Support

/// One public key of a JWKS (RFC 7517): EC P-256 for ES256 signatures.
public struct JWK: Codable, Sendable, Equatable {
    public var kty: String
    public var crv: String
    public var x: String
    public var y: String
    public var kid: String
    public var alg: String
    public var use: String

    public init(publicKey: P256.Signing.PublicKey) {
        let raw = [UInt8](publicKey.rawRepresentation)  // x ‖ y, 32 bytes each
        kty = "EC"
        crv = "P-256"
        x = Base64URL.encode(raw[..<32])
        y = Base64URL.encode(raw[32...])
        kid = ES256SigningKey.kid(of: publicKey)
        alg = "ES256"
        use = "sig"
    }

    /// The verifying key; refuses other key types and points off the curve.
    public func publicKey() throws(CASError) -> P256.Signing.PublicKey {
        guard kty == "EC", crv == "P-256" else {
            throw CASError(.invalidToken, "JWK \(kid) is \(kty)/\(crv), not EC/P-256")
        }
        guard alg == "ES256" else { throw CASError(.invalidToken, "JWK \(kid) is for \(alg), not ES256") }
        guard let xBytes = Base64URL.decode(x), let yBytes = Base64URL.decode(y),
              xBytes.count == 32, yBytes.count == 32,
              let key = try? P256.Signing.PublicKey(rawRepresentation: xBytes + yBytes) else {
            throw CASError(.invalidToken, "JWK \(kid) does not hold a P-256 point")
        }
        return key
    }
}

/// The CAS key set published at `GET /.well-known/jwks.json`.
public struct JWKS: Codable, Sendable, Equatable {
    public var keys: [JWK]

    public init(keys: [JWK]) {
        self.keys = keys
    }

    public func key(withID kid: String) -> JWK? {
        keys.first { $0.kid == kid }
    }

    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings cannot fail.
        return [UInt8]((try? encoder.encode(self)) ?? Data())
    }

    public init(json: [UInt8]) throws(CASError) {
        do {
            self = try JSONDecoder().decode(JWKS.self, from: Data(json))
        } catch {
            throw CASError(.malformedRequest, "not a JWKS document (JSON with keys: [{kty, crv, x, y, kid, alg, use}])")
        }
    }
}
