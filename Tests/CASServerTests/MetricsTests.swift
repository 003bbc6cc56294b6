import CASClient
import CASCore
@testable import CASServer
import Crypto
import Foundation
import Testing

@Suite struct MetricsTests {
    @Test func countersMoveWithTraffic() async throws {
        try await TestServer.with { server in
            try await withClient(server) { client in
                _ = try await client.applyPolicy(
                    EndToEndTests.signedSubmission(EndToEndTests.yaml, by: server.handlers.owner))
                let attested = try await EndToEndTests.attest(client, runtimeKey: P256.KeyAgreement.PrivateKey())
                _ = try? await EndToEndTests.attest(client, runtimeKey: P256.KeyAgreement.PrivateKey(), bind: false)
                _ = try await client.wrap(WrapRequest(masterKeyID: "m", key: [1]), credential: attested.credential)
                _ = try? await client.unwrap(
                    UnwrapRequest(masterKeyID: "unknown", wrappedKey: "AA=="), credential: attested.credential)
                _ = try await server.raw(.GET, "/nowhere")

                let text = try await client.metricsText()
                #expect(text.contains("strongroom_cas_attestations_total{result=\"allowed\"} 1\n"))
                #expect(text.contains("strongroom_cas_kms_operations_total{operation=\"unwrap\",result=\"refused\"} 1\n"))
                #expect(text.contains("# TYPE strongroom_cas_http_request_duration_seconds histogram\n"))
                #expect(text.contains("# HELP strongroom_cas_attestations_total Attestation decisions by result.\n"))
                let parsed = try PrometheusParser.parse(text)
                #expect(parsed["strongroom_cas_attestations_total|result=allowed"] == 1)
                #expect(parsed["strongroom_cas_attestations_total|result=refused"] == 1)
                #expect(parsed["strongroom_cas_kms_operations_total|operation=wrap,result=ok"] == 1)
                #expect(parsed["strongroom_cas_kms_operations_total|operation=unwrap,result=refused"] == 1)
                #expect(parsed["strongroom_cas_http_requests_total|method=POST,route=/v1/attest/challenge,status=200"] == 2)
                #expect(parsed["strongroom_cas_http_requests_total|method=GET,route=unmatched,status=404"] == 1)
                #expect(parsed["strongroom_cas_http_request_duration_seconds_count|route=/v1/attest"] == 2)
                #expect(parsed["strongroom_cas_http_request_duration_seconds_bucket|le=+Inf,route=/v1/attest"] == 2)
                // Raw paths never become label values.
                #expect(!text.contains("/nowhere"))
            }
        }
    }

    /// What packages report through swift-metrics (Hummingbird's request metrics here) reaches
    /// the same registry once a process bootstraps it. swift-metrics allows one bootstrap per
    /// process, so only this test does it.
    @Test func swiftMetricsReportsReachTheSameEndpoint() async throws {
        try await TestServer.with(metrics: MetricsBootstrap.shared) { server in
            try await withClient(server) { client in
                _ = try await client.metricsText()
                let parsed = try PrometheusParser.parse(try await client.metricsText())
                // prometheus_client names counter samples `…_total`.
                let hummingbird = parsed.filter { $0.key.hasPrefix("hb_requests_total|") }
                #expect(hummingbird.values.reduce(0, +) >= 1)
                #expect(parsed.keys.contains { $0.hasPrefix("http_server_request_duration_bucket|") })
            }
        }
    }

    @Test func namesFromSwiftMetricsAreSanitised() {
        #expect(CASMetrics.sanitized("http.server.request.duration") == "http_server_request_duration")
        #expect(CASMetrics.sanitized("9lives-total") == "_lives_total")
        #expect(CASMetrics.sanitized("ok_name:sub") == "ok_name:sub")
    }
}

enum MetricsBootstrap {
    static let shared: CASMetrics = {
        let metrics = CASMetrics()
        metrics.bootstrapMetricsSystem()
        return metrics
    }()
}

/// Parses exposition text with the Prometheus project's own parser (python `prometheus_client`),
/// which rejects anything malformed; returns "name|k=v,k=v" → value.
enum PrometheusParser {
    struct ParseFailure: Error, CustomStringConvertible { var description: String }

    static func parse(_ text: String) throws -> [String: Double] {
        let script = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = {}
            for family in text_string_to_metric_families(sys.stdin.read()):
                for s in family.samples:
                    key = s.name + "|" + ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
                    out[key] = s.value
            print(json.dumps(out))
            """
        let output = try Python.run(script, stdin: text)
        guard let data = output.data(using: .utf8),
            let values = try JSONSerialization.jsonObject(with: data) as? [String: Double]
        else { throw ParseFailure(description: "unexpected parser output") }
        return values
    }
}

enum Python {
    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Runs `python3 -c script`; a non-zero exit (a module missing: run scripts/python-deps.sh) fails the test.
    static func run(_ script: String, arguments: [String] = [], stdin: String = "") throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python3 failed: \(String(decoding: err, as: UTF8.self))")
        }
        return String(decoding: out, as: UTF8.self)
    }
}
