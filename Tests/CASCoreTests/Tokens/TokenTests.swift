import Support
import Crypto
import Foundation
import Testing
@testable import CASCore

@Suite struct TokenTests {
    let key = ES256SigningKey()
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let runtimeKey = [UInt8](P256.Signing.PrivateKey().publicKey.x963Representation)

    func claims(_ issuer: TokenIssuer) -> AttestationTokenClaims {
        issuer.claims(policy: "taxi-analytics", policyVersion: 2, service: "query", tee: "simulated",
                      measurement: String(repeating: "ab", count: 48), jobHash: [UInt8](repeating: 1, count: 32),
                      runtimeSigningKey: runtimeKey, now: now)
    }

    func issue(lifetime: Int64 = 3600, _ change: (inout AttestationTokenClaims) -> Void = { _ in }) throws -> String {
        let issuer = try TokenIssuer(signingKey: key, lifetime: lifetime)
        var c = claims(issuer)
        change(&c)
        return try issuer.issue(c)
    }

    var verifier: TokenVerifier { TokenVerifier(jwks: JWKS(keys: [key.jwk])) }

    @Test func issuedTokensVerify() throws {
        let token = try issue()
        let claims = try verifier.verify(token, now: now.addingTimeInterval(10))
        #expect(claims.policy == "taxi-analytics" && claims.policyVersion == 2 && claims.service == "query")
        #expect(claims.sub == "taxi-analytics/query" && claims.iss == "strongroom-cas" && claims.aud == "strongroom")
        #expect(claims.iat == 1_800_000_000 && claims.nbf == claims.iat && claims.exp == claims.iat + 3600)
        #expect(claims.cnfJkt == hex([UInt8](SHA256.hash(data: runtimeKey))))
        #expect(claims.jobHash == String(repeating: "01", count: 32))
        #expect(claims.jti.count == 32)
    }

    @Test func headerAndPayloadHaveTheDocumentedShape() throws {
        let token = try issue()
        let parts = token.split(separator: ".")
        let header = try JSONSerialization.jsonObject(with: Data(Base64URL.decode(parts[0])!)) as? [String: String]
        #expect(header == ["alg": "ES256", "kid": key.kid, "typ": "JWT"])
        let payload = String(decoding: Base64URL.decode(parts[1])!, as: UTF8.self)
        #expect(payload.contains("\"exp\":1800003600,") && payload.contains("\"policy_version\":2"))
        #expect(payload.contains("\"cnf_jkt\"") && payload.contains("\"job_hash\""))
        #expect(Base64URL.decode(parts[2])?.count == 64)
        #expect(key.kid.count == 16 && key.kid == hex([UInt8](SHA256.hash(data: key.publicKey.rawRepresentation))).prefix(16).description)
    }

    @Test func timeWindowIsEnforcedWithSmallSkew() throws {
        let token = try issue()
        _ = try verifier.verify(token, now: now.addingTimeInterval(-20))  // within skew
        #expect(throws: CASError(.invalidToken, "")) { try verifier.verify(token, now: now.addingTimeInterval(-120)) }
        _ = try verifier.verify(token, now: now.addingTimeInterval(3600 + 20))
        #expect(throws: CASError(.invalidToken, "")) { try verifier.verify(token, now: now.addingTimeInterval(3600 + 31)) }
    }

    @Test func lifetimesAboveAnHourAreRefused() throws {
        #expect(throws: CASError(.internalFailure, "")) { try TokenIssuer(signingKey: key, lifetime: 3601) }
        #expect(throws: CASError(.internalFailure, "")) { try issue { $0.exp = $0.iat + 3601 } }
        #expect(throws: CASError(.internalFailure, "")) { try issue { $0.exp = $0.nbf } }
        // A token that claims a longer life is refused by the verifier even if validly signed.
        let long = try forge(header: #"{"alg":"ES256","kid":"\#(key.kid)","typ":"JWT"}"#) { $0.exp = $0.iat + 7200 }
        #expect(throws: CASError(.invalidToken, "")) { try verifier.verify(long, now: now) }
    }

    /// Signs arbitrary header + claims with the real key, bypassing the issuer's checks.
    func forge(header: String, _ change: (inout AttestationTokenClaims) -> Void) throws -> String {
        var c = claims(try TokenIssuer(signingKey: key))
        change(&c)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode([UInt8](try encoder.encode(c)))
        return input + "." + Base64URL.encode(try key.sign(Array(input.utf8)))
    }

    @Test func wrongIssuerOrAudienceIsRefused() throws {
        let h = #"{"alg":"ES256","kid":"\#(key.kid)","typ":"JWT"}"#
        #expect(throws: CASError(.invalidToken, "")) { try verifier.verify(forge(header: h) { $0.iss = "evil" }, now: now) }
        #expect(throws: CASError(.invalidToken, "")) { try verifier.verify(forge(header: h) { $0.aud = "other" }, now: now) }
        _ = try verifier.verify(forge(header: h) { _ in }, now: now)
    }

    @Test func algNoneHS256AndMissingOrUnknownKidAreRefused() throws {
        let token = try issue()
        let parts = token.split(separator: ".").map(String.init)
        let none = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + parts[1] + "."
        #expect(throws: CASError(.invalidToken, "")) { try verifier.verify(none, now: now) }
        // HS256 with the public JWK's bytes as the HMAC secret (the classic key-confusion attack).
        let hsHeader = Base64URL.encode(Array(#"{"alg":"HS256","kid":"\#(key.kid)","typ":"JWT"}"#.utf8))
        let input = hsHeader + "." + parts[1]
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: key.publicKey.rawRepresentation))
        #expect(throws: CASError(.invalidToken, "")) { try verifier.verify(input + "." + Base64URL.encode(mac), now: now) }
        let noKid = try forge(header: #"{"alg":"ES256","typ":"JWT"}"#) { _ in }
        #expect(throws: CASError(.invalidToken, "")) { try verifier.verify(noKid, now: now) }
        let otherKey = ES256SigningKey()
        let foreign = try TokenIssuer(signingKey: otherKey).issue(claims(try TokenIssuer(signingKey: otherKey)))
        #expect(throws: CASError(.invalidToken, "")) { try verifier.verify(foreign, now: now) }
    }

    @Test func aForeignKeyUnderOurKidIsRefused() throws {
        let otherKey = ES256SigningKey()
        let token = try TokenIssuer(signingKey: otherKey).issue(claims(try TokenIssuer(signingKey: otherKey)))
        var jwk = key.jwk
        jwk.kid = otherKey.kid  // our key published under the forger's kid
        #expect(throws: CASError(.invalidToken, "")) { try TokenVerifier(jwks: JWKS(keys: [jwk])).verify(token, now: now) }
    }

    @Test func changedBytesAreRefused() throws {
        let token = try issue()
        let parts = token.split(separator: ".").map(String.init)
        var payload = String(decoding: Base64URL.decode(parts[1])!, as: UTF8.self)
        payload = payload.replacingOccurrences(of: "\"service\":\"query\"", with: "\"service\":\"admin\"")
        let changed = parts[0] + "." + Base64URL.encode(Array(payload.utf8)) + "." + parts[2]
        #expect(throws: CASError(.invalidToken, "")) { try verifier.verify(changed, now: now) }
        var sig = Base64URL.decode(parts[2])!
        sig[10] ^= 1
        #expect(throws: CASError(.invalidToken, "")) { try verifier.verify(parts[0] + "." + parts[1] + "." + Base64URL.encode(sig), now: now) }
    }

    @Test(arguments: ["", "a.b", "a.b.c.d", "!!.e30.AA", "e30.e30.AA", "eyJhbGciOiJFUzI1NiJ9.!!.AA", "x.y.z=",
                      String(repeating: "a", count: 20_000)])
    func malformedTokensAreRefused(_ token: String) {
        #expect(throws: CASError(.invalidToken, "")) { try verifier.verify(token, now: now) }
    }

    @Test func claimsWithWrongTypesAreRefused() throws {
        let h = Base64URL.encode(Array(#"{"alg":"ES256","kid":"\#(key.kid)"}"#.utf8))
        let p = Base64URL.encode(Array(#"{"iss":"strongroom-cas","exp":"soon"}"#.utf8))
        let token = h + "." + p + "." + Base64URL.encode(try key.sign(Array((h + "." + p).utf8)))
        #expect(throws: CASError(.invalidToken, "")) { try verifier.verify(token, now: now) }
    }

    @Test func jwksRoundTripsAndHasTheDocumentedMembers() throws {
        let jwks = JWKS(keys: [key.jwk, ES256SigningKey().jwk])
        let json = jwks.encoded()
        #expect(try JWKS(json: json) == jwks)
        let object = try JSONSerialization.jsonObject(with: Data(json)) as? [String: [[String: String]]]
        let first = try #require(object?["keys"]?.first)
        #expect(Set(first.keys) == ["kty", "crv", "x", "y", "kid", "alg", "use"])
        #expect(first["kty"] == "EC" && first["crv"] == "P-256" && first["alg"] == "ES256" && first["use"] == "sig")
        #expect(try key.jwk.publicKey().rawRepresentation == key.publicKey.rawRepresentation)
        #expect(throws: CASError(.malformedRequest, "")) { try JWKS(json: Array("{\"keys\": 3}".utf8)) }
        var bad = key.jwk
        bad.y = bad.x
        #expect(throws: CASError(.invalidToken, "")) { try bad.publicKey() }
    }

    @Test func signingKeyRoundTripsThroughItsRawForm() throws {
        let copy = try ES256SigningKey(rawRepresentation: key.rawRepresentation)
        #expect(copy.kid == key.kid)
        #expect(throws: CASError(.corruptStore, "")) { try ES256SigningKey(rawRepresentation: [1, 2, 3]) }
    }

    /// joserfc (an independent JOSE implementation) verifies our token with our JWKS, and signs
    /// one with its own key that our verifier accepts.
    @Test(.enabled(if: Python.has("joserfc"))) func interoperatesWithJoserfc() throws {
        let realNow = Date()
        let issuer = try TokenIssuer(signingKey: key)
        let token = try issuer.issue(issuer.claims(policy: "p", policyVersion: 1, service: "s", tee: "simulated",
                                                   measurement: "00", jobHash: [UInt8](repeating: 0, count: 32),
                                                   runtimeSigningKey: runtimeKey, now: realNow))
        let jwks = String(decoding: JWKS(keys: [key.jwk]).encoded(), as: UTF8.self)
        let verify = """
        import sys, json
        from joserfc import jwt
        from joserfc.jwk import KeySet
        keys = KeySet.import_key_set(json.loads(sys.argv[2]))
        tok = jwt.decode(sys.argv[1], keys, algorithms=["ES256"])
        jwt.JWTClaimsRegistry(iss={"essential": True, "value": "strongroom-cas"},
                              aud={"essential": True, "value": "strongroom"}).validate(tok.claims)
        print(tok.header["kid"], tok.claims["service"], tok.claims["policy_version"])
        """
        #expect(try Python.run(verify, [token, jwks]) == "\(key.kid) s 1")

        let sign = """
        import sys, json, time
        from joserfc import jwt
        from joserfc.jwk import ECKey
        key = ECKey.generate_key("P-256")
        pub = key.as_dict(private=False)
        pub.update({"alg": "ES256", "use": "sig", "kid": "py-key"})
        now = int(time.time())
        claims = {"iss": "strongroom-cas", "sub": "p/s", "aud": "strongroom", "iat": now, "nbf": now, "exp": now + 600,
                  "jti": "j", "policy": "p", "policy_version": 3, "service": "s", "tee": "sev-snp",
                  "measurement": "ff", "job_hash": "00", "cnf_jkt": "11", "cnf_key": "AA=="}
        print(jwt.encode({"alg": "ES256", "kid": "py-key", "typ": "JWT"}, claims, key))
        print(json.dumps({"keys": [pub]}))
        """
        let lines = try Python.run(sign).split(separator: "\n").map(String.init)
        try #require(lines.count == 2)
        let theirJWKS = try JWKS(json: Array(lines[1].utf8))
        let claims = try TokenVerifier(jwks: theirJWKS).verify(lines[0], now: Date())
        #expect(claims.policyVersion == 3 && claims.tee == "sev-snp")
    }
}
