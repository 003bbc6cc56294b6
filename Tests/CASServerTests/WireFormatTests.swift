import Attestation
import CASCore
import Foundation
import Policy
import Testing

@Suite struct WireFormatTests {
    @Test func attestRequestUsesTheDocumentedNames() throws {
        let request = AttestRequest(
            policy: "p", service: "s", nonce: [1, 2, 3], evidence: Evidence(kind: .simulated, report: [9]),
            runtimePublicKey: Array(repeating: 4, count: 65), jobHash: Array(repeating: 0xab, count: 32))
        let json = String(decoding: try APIJSON.encoder().encode(request), as: UTF8.self)
        #expect(json.contains(#""nonce":"AQID""#))
        #expect(json.contains(#""job_hash":"\#(String(repeating: "ab", count: 32))""#))
        #expect(json.contains(#""runtime_public_key":""#))
        #expect(json.contains(#""evidence":{"kind":"simulated","report":"CQ=="}"#))
        #expect(try APIJSON.decoder().decode(AttestRequest.self, from: Data(json.utf8)) == request)
    }

    @Test func timesAreRFC3339WithSeconds() throws {
        let response = ChallengeResponse(nonce: [0], expiresAt: Date(timeIntervalSince1970: 1_795_773_600.75))
        let json = String(decoding: try APIJSON.encoder().encode(response), as: UTF8.self)
        #expect(json == #"{"expires_at":"2026-11-27T10:00:00Z","nonce":"AA=="}"#)
        let bad = Data(#"{"expires_at":"yesterday","nonce":"AA=="}"#.utf8)
        let error = #expect(throws: DecodingError.self) { try APIJSON.decoder().decode(ChallengeResponse.self, from: bad) }
        #expect(error.map(APIJSON.describe)?.contains("expires_at: not an RFC 3339") == true)
    }

    @Test func problemDocumentShape() throws {
        let problem = ProblemDocument(code: "nonce_invalid", title: "Forbidden", status: 403, detail: "nonce is used")
        let json = String(decoding: try APIJSON.encoder().encode(problem), as: UTF8.self)
        #expect(
            json
                == #"{"detail":"nonce is used","status":403,"title":"Forbidden","type":"https://strongroom.dev/problems/nonce_invalid"}"#
        )
        #expect(problem.code == "nonce_invalid")
    }

    @Test func auditEntriesKeepIntegerDetails() throws {
        let json = #"{"seq":3,"time":"2026-11-27T10:00:00Z","type":"kms.unwrap","details":{"n":5,"f":1.5,"ok":true,"list":["a",null]},"prev":"00","hash":"11"}"#
        let entry = try APIJSON.decoder().decode(WireAuditEntry.self, from: Data(json.utf8))
        #expect(entry.details["n"] == .integer(5))
        #expect(entry.details["f"] == .number(1.5))
        #expect(entry.details["ok"] == .bool(true))
        #expect(entry.details["list"] == .array([.string("a"), .null]))
        let again = String(decoding: try APIJSON.encoder().encode(entry), as: UTF8.self)
        #expect(again.contains(#""details":{"f":1.5,"list":["a",null],"n":5,"ok":true}"#))
    }

    @Test func auditQueryStringEncodesPolicy() {
        #expect(AuditQuery(from: 5, limit: 10, policy: "a b&c").queryString == "from=5&limit=10&policy=a%20b%26c")
        #expect(CASRoutes.policy("../x") == "/v1/policies/..%2Fx")
    }
}

@Suite struct RequestSigningTests {
    let alice = OwnerIdentity(name: "alice")

    @Test func signedHeaderRoundTripsAndVerifies() throws {
        let parts = RequestSigning.SignedParts(method: "POST", pathWithQuery: "/v1/kms/unwrap", body: Array("{}".utf8))
        let now = Date()
        let header = RequestSigning.authorizationHeader(identity: alice, parts: parts, now: now)
        #expect(header.hasPrefix("SR-Sig key_id=\"\(alice.publicKey.keyID)\", ts=\""))
        guard case .signed(let signature) = try RequestAuthorization(headerValue: header) else {
            Issue.record("not parsed as SR-Sig")
            return
        }
        #expect(RequestSigning.verify(signature, parts: parts, publicKey: alice.publicKey, now: now) == .valid)
    }

    @Test func canonicalMessageIsTheDocumentedOne() {
        let parts = RequestSigning.SignedParts(method: "get", pathWithQuery: "/v1/audit?from=1&limit=2", body: [])
        let message = String(decoding: RequestSigning.canonicalMessage(parts, timestamp: 1_795_773_600), as: UTF8.self)
        #expect(
            message
                == "strongroom-request-v1\nGET\n/v1/audit?from=1&limit=2\n1795773600\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )
    }

    @Test func tamperingIsRefusedWithAReason() throws {
        let parts = RequestSigning.SignedParts(method: "POST", pathWithQuery: "/v1/kms/wrap", body: Array("{\"a\":1}".utf8))
        let now = Date()
        guard case .signed(let signature) = try RequestAuthorization(
            headerValue: RequestSigning.authorizationHeader(identity: alice, parts: parts, now: now))
        else { return }
        let otherBody = RequestSigning.SignedParts(method: "POST", pathWithQuery: "/v1/kms/wrap", body: Array("{\"a\":2}".utf8))
        let otherPath = RequestSigning.SignedParts(method: "POST", pathWithQuery: "/v1/kms/unwrap", body: Array("{\"a\":1}".utf8))
        for tampered in [otherBody, otherPath] {
            guard case .refused(let reason) = RequestSigning.verify(signature, parts: tampered, publicKey: alice.publicKey, now: now)
            else {
                Issue.record("tampered request verified")
                continue
            }
            #expect(reason.contains("does not verify"))
        }
        guard case .refused(let late) = RequestSigning.verify(
            signature, parts: parts, publicKey: alice.publicKey, now: now.addingTimeInterval(301))
        else {
            Issue.record("stale signature verified")
            return
        }
        #expect(late.contains("301 s"))
        guard case .refused(let wrongKey) = RequestSigning.verify(
            signature, parts: parts, publicKey: OwnerIdentity(name: "bob").publicKey, now: now)
        else { return }
        #expect(wrongKey.contains("is not the key"))
    }

    @Test func malformedHeadersSayWhatIsWrong() {
        let sig = Data(repeating: 1, count: 64).base64EncodedString()
        let cases: [(String, String)] = [
            ("Digest abc", "scheme must be Bearer or SR-Sig"),
            ("SR-Sig key_id=\"0123456789abcdef\", ts=\"1\"", "missing sig"),
            ("SR-Sig key_id=\"0123456789abcdef\", ts=\"1\", sig=\"\(sig)\", x=\"1\"", "unknown SR-Sig parameter x"),
            ("SR-Sig key_id=\"0123456789abcdef\", ts=\"1\", ts=\"2\", sig=\"\(sig)\"", "ts given twice"),
            ("SR-Sig key_id=0123456789abcdef, ts=\"1\", sig=\"\(sig)\"", "key_id must be quoted"),
            ("SR-Sig key_id=\"XYZ\", ts=\"1\", sig=\"\(sig)\"", "16 lowercase hex"),
            ("SR-Sig key_id=\"0123456789abcdef\", ts=\"-1\", sig=\"\(sig)\"", "unix seconds"),
            ("SR-Sig key_id=\"0123456789abcdef\", ts=\"1\", sig=\"AAAA\"", "64-byte"),
            ("SR-Sig garbage", "without '='"),
            ("Bearer a b", "invalid characters"),
        ]
        for (header, expected) in cases {
            let error = #expect(throws: AuthorizationHeaderError.self) { try RequestAuthorization(headerValue: header) }
            #expect(error?.message.contains(expected) == true, "\(header): \(error?.message ?? "")")
        }
        #expect((try? RequestAuthorization(headerValue: nil)) == RequestAuthorization.none)
        #expect((try? RequestAuthorization(headerValue: "bearer abc.def")) == .bearer("abc.def"))
    }
}
