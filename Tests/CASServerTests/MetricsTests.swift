import CASClient
import CASCore
import CASServer
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

                let metrics = server.metrics
                #expect(metrics.attestations.value(["allowed"]) == 1)
                #expect(metrics.attestations.value(["refused"]) == 1)
                #expect(metrics.kmsOperations.value(["wrap", "ok"]) == 1)
                #expect(metrics.kmsOperations.value(["unwrap", "refused"]) == 1)
                #expect(metrics.requests.value(["POST", "/v1/attest/challenge", "200"]) == 2)
                #expect(metrics.requests.value(["GET", "unmatched", "404"]) == 1)
                #expect(metrics.requestDuration.count(["/v1/attest"]) == 2)

                let text = try await client.metricsText()
                #expect(text.contains("strongroom_cas_attestations_total{result=\"allowed\"} 1\n"))
                #expect(text.contains("strongroom_cas_kms_operations_total{operation=\"unwrap\",result=\"refused\"} 1\n"))
                #expect(text.contains("# TYPE strongroom_cas_http_request_duration_seconds histogram\n"))
                let parsed = try PrometheusParser.parse(text)
                #expect(parsed["strongroom_cas_attestations_total|result=allowed"] == 1)
                #expect(parsed["strongroom_cas_http_request_duration_seconds_count|route=/v1/attest"] == 2)
                #expect(parsed["strongroom_cas_http_request_duration_seconds_bucket|le=+Inf,route=/v1/attest"] == 2)
            }
        }
    }

    @Test func expositionEscapesAndAccumulates() throws {
        let registry = MetricsRegistry()
        let counter = registry.counter("demo_total", help: "A help line with \\ and\nnewline.", labels: ["path"])
        counter.increment(["a\"b\\c\nd"])
        counter.increment(["a\"b\\c\nd"], by: 2)
        counter.increment(["plain"], by: 0.5)
        let histogram = registry.histogram("demo_seconds", help: "Latency.", labels: [], buckets: [0.1, 1])
        histogram.observe(0.05, [])
        histogram.observe(0.5, [])
        histogram.observe(7, [])
        let text = registry.exposition()
        #expect(text.contains("# HELP demo_total A help line with \\\\ and\\nnewline.\n"))
        #expect(text.contains("demo_total{path=\"a\\\"b\\\\c\\nd\"} 3\n"))
        #expect(text.contains("demo_total{path=\"plain\"} 0.5\n"))
        #expect(text.contains("demo_seconds_bucket{le=\"0.1\"} 1\ndemo_seconds_bucket{le=\"1\"} 2\ndemo_seconds_bucket{le=\"+Inf\"} 3\n"))
        #expect(text.contains("demo_seconds_sum 7.55\ndemo_seconds_count 3\n"))
        let parsed = try PrometheusParser.parse(text)
        #expect(parsed["demo_total|path=a\"b\\c\nd"] == 3)
        #expect(parsed["demo_seconds_bucket|le=1"] == 2)
        #expect(parsed["demo_seconds_sum|"] == 7.55)
    }
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
