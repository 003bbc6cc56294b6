import Foundation
import Testing
@testable import CASCore

@Suite struct ProblemTests {
    @Test func casErrorsMapToTheirStatusAndType() throws {
        let problem = Problem(CASError(.attestationRefused, "simulated TEE not allowed"))
        #expect(problem == Problem(type: "https://strongroom.dev/problems/attestation-refused", title: "Attestation refused",
                                   status: 403, detail: "simulated TEE not allowed"))
        #expect(problem.code == "attestation-refused")
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(problem)) as? [String: Any]
        #expect(Set(json?.keys.map { $0 } ?? []) == ["type", "title", "status", "detail"])
        #expect(json?["status"] as? Int == 403)
    }

    @Test func statusesPerCode() {
        let expected: [(CASError.Code, Int)] = [
            (.malformedRequest, 400), (.invalidShare, 400), (.unauthorized, 401), (.invalidSignature, 401),
            (.invalidToken, 401), (.forbidden, 403), (.attestationRefused, 403), (.wrongMasterKey, 403),
            (.notFound, 404), (.conflict, 409), (.unwrapFailed, 422), (.decryptionFailed, 422),
            (.auditChainBroken, 422), (.corruptStore, 500), (.keyFile, 500), (.internalFailure, 500), (.sealed, 503),
        ]
        for (code, status) in expected {
            #expect(Problem(CASError(code, "m")).status == status, "\(code)")
        }
    }

    @Test func otherErrorsBecomeInternalWithoutTheirText() {
        struct Leaky: Error { var secret = "hunter2" }
        let problem = Problem(anyError: Leaky())
        #expect(problem.status == 500 && problem.code == "internal")
        #expect(!problem.detail.contains("hunter2"))
    }

    @Test func errorsCompareByCode() {
        #expect(CASError(.notFound, "a") == CASError(.notFound, "b"))
        #expect(CASError(.notFound, "a") != CASError(.conflict, "a"))
        #expect(CASError(.notFound, "policy x").description == "not-found: policy x")
    }
}
