import CASCore
import Foundation
import NIOHTTP1
import Testing

/// Every refusal the HTTP layer makes itself is an RFC 7807 problem that says what and where.
@Suite struct ProblemResponseTests {
    @Test func unknownRouteIsA404Problem() async throws {
        try await TestServer.with { server in
            let (status, contentType, body) = try await server.raw(.GET, "/v1/nothing-here?secret=x")
            #expect(status == 404)
            #expect(contentType == "application/problem+json")
            let problem = try decodeProblem(body)
            #expect(problem.type == "https://strongroom.dev/problems/not-found")
            #expect(problem.title == "Not Found" && problem.status == 404)
            #expect(problem.detail == "no endpoint GET /v1/nothing-here")
            // A known path with the wrong method is not found either.
            #expect(try await server.raw(.DELETE, "/v1/attest").status == 404)
        }
    }

    @Test func bodyOverTheLimitIs413() async throws {
        try await TestServer.with(maxRequestBodyBytes: 4096) { server in
            let big = Array(#"{"share": ""#.utf8) + Array(repeating: UInt8(ascii: "a"), count: 8000) + Array(#""}"#.utf8)
            let (status, contentType, body) = try await server.raw(
                .POST, "/v1/sys/unseal", body: big, headers: [("Content-Type", "application/json")])
            #expect(status == 413)
            #expect(contentType == "application/problem+json")
            let problem = try decodeProblem(body)
            #expect(problem.code == "payload-too-large")
            #expect(problem.detail.contains("4096"))
            // Just under the limit is read and decoded (and refused by the handler for its own reason).
            let small = Array(#"{"share": "srs1-2-1-00"}"#.utf8)
            let accepted = try await server.raw(
                .POST, "/v1/sys/unseal", body: small, headers: [("Content-Type", "application/json")])
            #expect(accepted.status == 409)
        }
    }

    @Test func malformedJSONNamesTheField() async throws {
        try await TestServer.with { server in
            let cases: [(String, String)] = [
                (#"{"policy": "p", "service": "s""#, "body: not valid JSON"),
                (#"{"service": "s"}"#, "body.policy: required field is missing"),
                (#"{"policy": 7}"#, "body.policy: expected a string"),
                (
                    #"{"policy":"p","service":"s","nonce":"!!","evidence":{"kind":"simulated","report":""},"runtime_public_key":"","job_hash":""}"#,
                    "nonce: not valid base64"
                ),
                (
                    #"{"policy":"p","service":"s","nonce":"","evidence":{"kind":"sevsnp","report":""},"runtime_public_key":"","job_hash":""}"#,
                    "body.evidence.kind"
                ),
                (
                    #"{"policy":"p","service":"s","nonce":"","evidence":{"kind":"simulated","report":""},"runtime_public_key":"AAAA","job_hash":""}"#,
                    "65 bytes, got 3"
                ),
            ]
            for (body, expected) in cases {
                let (status, contentType, answer) = try await server.raw(
                    .POST, "/v1/attest", body: Array(body.utf8), headers: [("Content-Type", "application/json")])
                #expect(status == 400, "\(body)")
                #expect(contentType == "application/problem+json")
                let problem = try decodeProblem(answer)
                #expect(problem.code == "malformed-request")
                #expect(problem.detail.contains(expected), "\(problem.detail) should contain \(expected)")
            }
        }
    }

    @Test func jobHashMustBe32HexBytes() async throws {
        try await TestServer.with { server in
            let runtimeKey = Data(repeating: 4, count: 65).base64EncodedString()
            for (jobHash, expected) in [("abc", "odd length"), ("zz", "not hex"), ("abcd", "expected 32 bytes")] {
                let body = #"{"policy":"p","service":"s","nonce":"","evidence":{"kind":"simulated","report":""},"runtime_public_key":"\#(runtimeKey)","runtime_signing_key":"\#(runtimeKey)","job_hash":"\#(jobHash)"}"#
                let answer = try await server.raw(
                    .POST, "/v1/attest", body: Array(body.utf8), headers: [("Content-Type", "application/json")])
                #expect(answer.status == 400)
                #expect(try decodeProblem(answer.body).detail.contains(expected))
            }
        }
    }

    @Test func wrongMediaTypeIs415() async throws {
        try await TestServer.with { server in
            let (status, _, body) = try await server.raw(
                .POST, "/v1/attest/challenge", body: Array("{}".utf8), headers: [("Content-Type", "text/plain")])
            #expect(status == 415)
            #expect(try decodeProblem(body).code == "unsupported-media-type")
        }
    }

    @Test func malformedAuthorizationIs401() async throws {
        try await TestServer.with { server in
            let headers = [
                "Basic YWxpY2U6cHc=", "SR-Sig key_id=\"0123456789abcdef\", ts=\"1\"", "Bearer ",
                "SR-Sig key_id=\"0123456789abcdef\", ts=\"x\", sig=\"AA==\"",
            ]
            for header in headers {
                let (status, _, body) = try await server.raw(
                    .POST, "/v1/kms/unwrap", body: Array(#"{"master_key_id":"k","wrapped_key":"AA=="}"#.utf8),
                    headers: [("Content-Type", "application/json"), ("Authorization", header)])
                #expect(status == 401, "\(header)")
                let problem = try decodeProblem(body)
                #expect(problem.code == "unauthorized")
                #expect(!problem.detail.isEmpty)
                #expect(!problem.detail.contains("YWxpY2U6cHc="))
            }
        }
    }

    @Test func auditQueryParametersAreChecked() async throws {
        try await TestServer.with { server in
            for (query, expected) in [
                ("from=0", "from"), ("limit=0", "limit"), ("limit=10001", "limit"), ("from=x", "from"),
                ("since=3", "since"),
            ] {
                let (status, _, body) = try await server.raw(.GET, "/v1/audit?" + query)
                #expect(status == 400, "\(query)")
                #expect(try decodeProblem(body).detail.contains(expected))
            }
            // Well-formed but unsigned: the handler's refusal.
            #expect(try await server.raw(.GET, "/v1/audit?from=1&limit=10").status == 401)
        }
    }

    @Test func healthAndMetricsAreText() async throws {
        try await TestServer.with { server in
            let health = try await server.raw(.GET, "/healthz")
            #expect(health.status == 200)
            #expect(String(decoding: health.body, as: UTF8.self) == "ok\n")
            let metrics = try await server.raw(.GET, "/metrics")
            #expect(metrics.contentType == "text/plain; version=0.0.4; charset=utf-8")
        }
    }
}
