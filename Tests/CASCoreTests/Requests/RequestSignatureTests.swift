import Crypto
import Foundation
import Policy
import Testing
@testable import CASCore

@Suite struct RequestSignatureTests {
    let alice = OwnerIdentity(name: "alice")
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let body = Array(#"{"master_key_id":"results","key":"AAAA"}"#.utf8)

    func signed() -> RequestSignature {
        RequestSignature.sign(method: "post", pathWithQuery: "/v1/kms/wrap?x=1", body: body, identity: alice, now: now)
    }

    @Test func headerRoundTripsAndVerifies() throws {
        let original = signed()
        let header = original.headerValue
        #expect(header.hasPrefix("SR-Sig key_id=\"\(alice.publicKey.keyID)\", ts=\"1800000000\", rid=\""))
        let parsed = try RequestSignature(headerValue: header)
        #expect(parsed == original)
        // Every request gets its own id, so two identical requests have different signatures.
        #expect(signed().requestID != original.requestID)
        try parsed.verify(method: "POST", pathWithQuery: "/v1/kms/wrap?x=1", body: body, publicKey: alice.publicKey, now: now)
        guard case .signature(let viaAuth) = try RequestAuthorization(headerValue: header) else {
            Issue.record("not parsed as a signature"); return
        }
        #expect(viaAuth == parsed)
    }

    @Test func canonicalMessageIsTheDocumentedText() {
        let message = RequestSignature.canonicalMessage(method: "get", pathWithQuery: "/v1/audit?from=1", timestamp: 42, body: [])
        #expect(String(decoding: message, as: UTF8.self) ==
                "strongroom-request-v1\nGET\n/v1/audit?from=1\n42\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let v2 = RequestSignature.canonicalMessage(method: "get", pathWithQuery: "/v1/audit?from=1", timestamp: 42,
                                                   requestID: String(repeating: "ab", count: 16), body: [])
        #expect(String(decoding: v2, as: UTF8.self) ==
                "strongroom-request-v2\nGET\n/v1/audit?from=1\n42\n\(String(repeating: "ab", count: 16))\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func proofOfPossessionCoversRequestAndTokenAndParsesStrictly() throws {
        let key = P256.Signing.PrivateKey()
        let publicKey = [UInt8](key.publicKey.x963Representation)
        let proof = try ProofOfPossession.sign(method: "POST", pathWithQuery: "/v1/kms/unwrap", body: body, token: "a.b.c", key: key, now: now)
        let parsed = try ProofOfPossession(headerValue: proof.headerValue)
        #expect(parsed == proof)
        guard case .proof(let viaAuth) = try RequestAuthorization(headerValue: proof.headerValue) else {
            Issue.record("not parsed as a proof"); return
        }
        #expect(viaAuth == proof)
        try proof.verify(method: "POST", pathWithQuery: "/v1/kms/unwrap", body: body, signingKey: publicKey, now: now)
        for (method, path, b, k, at) in [
            ("POST", "/v1/kms/wrap", body, publicKey, now), ("POST", "/v1/kms/unwrap", body + [1], publicKey, now),
            ("POST", "/v1/kms/unwrap", body, [UInt8](P256.Signing.PrivateKey().publicKey.x963Representation), now),
            ("POST", "/v1/kms/unwrap", body, publicKey, now.addingTimeInterval(301)),
        ] {
            #expect(throws: CASError(.invalidSignature, "")) { try proof.verify(method: method, pathWithQuery: path, body: b, signingKey: k, now: at) }
        }
        // Another token under the same signature does not verify either.
        var swapped = proof
        swapped.token = "a.b.d"
        #expect(throws: CASError(.invalidSignature, "")) { try swapped.verify(method: "POST", pathWithQuery: "/v1/kms/unwrap", body: body, signingKey: publicKey, now: now) }
        for bad in ["SR-PoP token=\"t\", ts=\"1\", sig=\"AA==\"", "SR-PoP token=\"t\", ts=\"1\", rid=\"xyz\", sig=\"AA==\"",
                    "SR-PoP token=\"t\", ts=\"1\", rid=\"\(String(repeating: "a", count: 32))\", sig=\"AA==\", extra=\"1\""] {
            #expect(throws: CASError(.unauthorized, "")) { try ProofOfPossession(headerValue: bad) }
        }
    }

    @Test func signatureIsOverTheWholeRequest() throws {
        let sig = signed()
        let key = alice.publicKey
        try sig.verify(method: "POST", pathWithQuery: "/v1/kms/wrap?x=1", body: body, publicKey: key, now: now)
        #expect(throws: CASError(.invalidSignature, "")) { try sig.verify(method: "PUT", pathWithQuery: "/v1/kms/wrap?x=1", body: body, publicKey: key, now: now) }
        #expect(throws: CASError(.invalidSignature, "")) { try sig.verify(method: "POST", pathWithQuery: "/v1/kms/wrap?x=2", body: body, publicKey: key, now: now) }
        #expect(throws: CASError(.invalidSignature, "")) { try sig.verify(method: "POST", pathWithQuery: "/v1/kms/wrap?x=1", body: body + [0x20], publicKey: key, now: now) }
        var otherTime = sig
        otherTime.timestamp += 1
        #expect(throws: CASError(.invalidSignature, "")) { try otherTime.verify(method: "POST", pathWithQuery: "/v1/kms/wrap?x=1", body: body, publicKey: key, now: now) }
    }

    @Test func timeWindowIsThreeHundredSeconds() throws {
        let sig = signed()
        for offset in [-300.0, 300.0] {
            try sig.verify(method: "POST", pathWithQuery: "/v1/kms/wrap?x=1", body: body, publicKey: alice.publicKey, now: now.addingTimeInterval(offset))
        }
        for offset in [-301.0, 301.0] {
            #expect(throws: CASError(.invalidSignature, "")) {
                try sig.verify(method: "POST", pathWithQuery: "/v1/kms/wrap?x=1", body: body, publicKey: alice.publicKey, now: now.addingTimeInterval(offset))
            }
        }
    }

    @Test func anotherOwnersKeyIsRefused() throws {
        let mallory = OwnerIdentity(name: "mallory")
        var sig = RequestSignature.sign(method: "POST", pathWithQuery: "/v1/kms/wrap?x=1", body: body, identity: mallory, now: now)
        #expect(throws: CASError(.invalidSignature, "")) {
            try sig.verify(method: "POST", pathWithQuery: "/v1/kms/wrap?x=1", body: body, publicKey: alice.publicKey, now: now)
        }
        sig.keyID = alice.publicKey.keyID  // claims to be alice, signed by mallory
        #expect(throws: CASError(.invalidSignature, "")) {
            try sig.verify(method: "POST", pathWithQuery: "/v1/kms/wrap?x=1", body: body, publicKey: alice.publicKey, now: now)
        }
    }

    @Test(arguments: [
        "", "Basic abc", "SR-Sig", "SR-Sig key_id=\"a\", ts=\"1\"", "SR-Sig key_id=\"a\", sig=\"\(String(repeating: "A", count: 86))==\"",
        "SR-Sig key_id=\"a\", ts=\"1\", sig=\"AAAA\"", "SR-Sig key_id=\"a\", ts=\"-1\", sig=\"\(String(repeating: "A", count: 86))==\"",
        "SR-Sig key_id=\"a\", ts=\"1\", ts=\"2\", sig=\"\(String(repeating: "A", count: 86))==\"",
        "SR-Sig key_id=\"a\", ts=\"1\", sig=\"\(String(repeating: "A", count: 86))==\", extra=\"x\"",
        "SR-Sig key_id=a, ts=\"1\", sig=\"\(String(repeating: "A", count: 86))==\"",
        "SR-Sig key_id=\"\", ts=\"1\", sig=\"\(String(repeating: "A", count: 86))==\"",
        "SR-Sig key_id=\"a\", ts=\"99999999999999999999\", sig=\"\(String(repeating: "A", count: 86))==\"",
        "SR-Sig key_id=\"a\"\"b\", ts=\"1\", sig=\"\(String(repeating: "A", count: 86))==\"",
        "SR-Sig " + String(repeating: "x", count: 2000),
    ])
    func malformedHeadersAreRefused(_ header: String) {
        #expect(throws: CASError(.unauthorized, "")) { try RequestSignature(headerValue: header) }
    }

    @Test func bearerTokensAreRecognised() throws {
        #expect(try RequestAuthorization(headerValue: "Bearer abc.def.ghi") == .bearer("abc.def.ghi"))
        #expect(throws: CASError(.unauthorized, "")) { try RequestAuthorization(headerValue: "Bearer  ") }
        #expect(throws: CASError(.unauthorized, "")) { try RequestAuthorization(headerValue: "Digest x") }
    }
}
