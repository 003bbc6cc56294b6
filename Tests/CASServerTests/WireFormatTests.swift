import Attestation
import CASCore
import Foundation
import Policy
import Testing

@Suite struct WireFormatTests {
    @Test func attestRequestUsesTheDocumentedNames() throws {
        let request = AttestRequest(
            policy: "p", service: "s", nonce: [1, 2, 3], evidence: Evidence(kind: .simulated, report: [9]),
            runtimePublicKey: Array(repeating: 4, count: 65), runtimeSigningKey: Array(repeating: 5, count: 65),
            jobHash: Array(repeating: 0xab, count: 32), grant: "srg1.x")
        let json = String(decoding: try APIJSON.encoder().encode(request), as: UTF8.self)
        #expect(json.contains(#""nonce":"AQID""#))
        #expect(json.contains(#""job_hash":"\#(String(repeating: "ab", count: 32))""#))
        #expect(json.contains(#""runtime_public_key":""#))
        #expect(json.contains(#""runtime_signing_key":""#))
        #expect(json.contains(#""grant":"srg1.x""#))
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
        let problem = Problem(CASError(.attestationRefused, "nonce is used"))
        let json = String(decoding: try APIJSON.encoder().encode(problem), as: UTF8.self)
        #expect(
            json
                == #"{"detail":"nonce is used","status":403,"title":"Attestation refused","type":"https://strongroom.dev/problems/attestation-refused"}"#
        )
        #expect(problem.code == "attestation-refused")
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

/// The client signs with CASCore's `RequestSignature` and the server hands the handler exactly
/// the method, path-with-query and body that signature covers.
@Suite struct RequestSigningTests {
    @Test func signatureOverAQueryStringVerifiesThroughTheServer() async throws {
        try await TestServer.with { server in
            try await withClient(server) { client in
                // The audit call signs "/v1/audit?from=1&limit=3&policy=a%20b": the query is covered.
                let page = try await client.audit(AuditQuery(from: 1, limit: 3, policy: "a b"), as: server.handlers.owner)
                #expect(page.entries.isEmpty)
            }
        }
    }

    @Test func replayedSignatureOnAnotherBodyIsRefused() async throws {
        try await TestServer.with { server in
            let owner = server.handlers.owner
            let signed = Array(#"{"master_key_id":"a","key":"AQ=="}"#.utf8)
            let header = RequestSignature.sign(
                method: "POST", pathWithQuery: CASRoutes.kmsWrap, body: signed, identity: owner, now: Date()
            ).headerValue
            let good = try await server.raw(
                .POST, CASRoutes.kmsWrap, body: signed,
                headers: [("Content-Type", "application/json"), ("Authorization", header)])
            #expect(good.status == 200)
            let other = Array(#"{"master_key_id":"b","key":"AQ=="}"#.utf8)
            let replay = try await server.raw(
                .POST, CASRoutes.kmsWrap, body: other,
                headers: [("Content-Type", "application/json"), ("Authorization", header)])
            #expect(replay.status == 401)
            #expect(try decodeProblem(replay.body).code == "invalid-signature")
            // The same body and signature with a query added: the signed target differs.
            let moved = try await server.raw(
                .POST, CASRoutes.kmsWrap + "?x=1", body: signed,
                headers: [("Content-Type", "application/json"), ("Authorization", header)])
            #expect(moved.status == 401)
        }
    }
}
