import CASCore
import Foundation
import Testing

@Suite struct OpenAPITests {
    static let document: String = {
        // Tests/CASServerTests/OpenAPITests.swift → repository root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent("docs/openapi.yaml").path
    }()

    @Test func documentIsValidOpenAPI31() throws {
        let script = """
            import sys
            from openapi_spec_validator import validate
            from openapi_spec_validator.readers import read_from_filename
            spec, _ = read_from_filename(sys.argv[1])
            assert spec["openapi"].startswith("3.1"), spec["openapi"]
            validate(spec)
            print("valid")
            """
        #expect(try Python.run(script, arguments: [Self.document]) == "valid\n")
    }

    /// Every route the server serves is documented, with its method, and nothing else is.
    @Test func documentCoversEveryRoute() throws {
        let script = """
            import json, sys
            from openapi_spec_validator.readers import read_from_filename
            spec, _ = read_from_filename(sys.argv[1])
            print(json.dumps(sorted(m.upper() + " " + p for p, item in spec["paths"].items()
                                    for m in item if m in ("get", "post", "put", "delete", "patch"))))
            """
        let output = try Python.run(script, arguments: [Self.document])
        let documented = try JSONDecoder().decode([String].self, from: Data(output.utf8))
        let served = [
            "POST " + CASRoutes.policies, "GET /v1/policies/{name}", "GET /v1/policies/{name}/versions",
            "POST /v1/policies/{name}/secrets/{secret}", "GET " + CASRoutes.casKey, "POST " + CASRoutes.challenge,
            "POST " + CASRoutes.attest, "POST " + CASRoutes.kmsWrap, "POST " + CASRoutes.kmsUnwrap,
            "GET " + CASRoutes.jwks, "GET " + CASRoutes.audit, "POST " + CASRoutes.nodes, "POST " + CASRoutes.unseal,
            "GET " + CASRoutes.sealStatus, "GET " + CASRoutes.health, "GET " + CASRoutes.metrics,
            "POST " + CASRoutes.grants, "POST /v1/policies/{name}/tokens/revoke", "POST " + CASRoutes.auditors,
        ]
        #expect(documented == served.sorted())
    }

    /// A broken document is caught (the validator is really running).
    @Test func validatorRejectsABrokenDocument() throws {
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: broken) }
        try "openapi: 3.1.0\ninfo: {title: x}\npaths: {/a: {get: {responses: 7}}}\n".write(
            toFile: broken, atomically: true, encoding: .utf8)
        #expect(throws: Python.Failure.self) {
            try Python.run(
                "import sys\nfrom openapi_spec_validator import validate\nfrom openapi_spec_validator.readers import read_from_filename\nvalidate(read_from_filename(sys.argv[1])[0])",
                arguments: [broken])
        }
    }
}
