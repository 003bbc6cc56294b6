import Attestation
import Foundation
import Testing

@Suite struct SimulatedVerifierTests {
    let node = NodeKey()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func evidence(issuedAt: UInt64? = nil, debug: Bool = false, key: NodeKey? = nil) throws -> Evidence {
        let report = SimulatedReport(
            measurement: [UInt8](repeating: 0x3F, count: 48), reportData: [UInt8](repeating: 7, count: 64),
            issuedAt: issuedAt ?? UInt64(now.timeIntervalSince1970) - 5, pid: 4242, debug: debug)
        return Evidence(kind: .simulated, report: try (key ?? node).sign(report).encoded())
    }

    var verifier: SimulatedVerifier { SimulatedVerifier(trusting: [node.publicKey], maxAge: 60) }

    @Test func validReportGivesTheDocumentedClaims() throws {
        let claims = try verifier.verify(try evidence(debug: true), now: now)
        #expect(claims.kind == .simulated)
        #expect(claims.simulated)
        #expect(claims.debug)
        #expect(claims.measurement == String(repeating: "3f", count: 48))
        #expect(claims.reportData == [UInt8](repeating: 7, count: 64))
        #expect(claims.values["node_key_id"] == node.keyID)
        #expect(claims.values["pid"] == "4242")
        #expect(claims.tcbStatus == nil)
    }

    @Test func dictionaryInitIndexesByTheKeysOwnID() throws {
        // A mislabelled entry still vouches only for its own key.
        let v = SimulatedVerifier(trustedNodes: ["some-name": node.publicKey], maxAge: 60)
        #expect(v.trustedNodes.keys.contains(node.keyID))
        _ = try v.verify(try evidence(), now: now)
    }

    @Test func untrustedNodeIsRefused() throws {
        let error = #expect(throws: AttestationError.self) { try verifier.verify(try evidence(key: NodeKey()), now: now) }
        #expect(error?.code == .untrustedSigner)
    }

    @Test func tamperedReportIsRefused() throws {
        var e = try evidence()
        e.report[20] ^= 1  // inside the measurement
        let error = #expect(throws: AttestationError.self) { try verifier.verify(e, now: now) }
        #expect(error?.code == .badSignature)
        var s = try evidence()
        s.report[200] ^= 1  // inside the signature
        #expect(throws: AttestationError.self) { try verifier.verify(s, now: now) }
    }

    @Test func oldAndFutureReportsAreRefused() throws {
        let old = #expect(throws: AttestationError.self) {
            try verifier.verify(try evidence(issuedAt: UInt64(now.timeIntervalSince1970) - 61), now: now)
        }
        #expect(old?.code == .expired)
        let future = #expect(throws: AttestationError.self) {
            try verifier.verify(try evidence(issuedAt: UInt64(now.timeIntervalSince1970) + 120), now: now)
        }
        #expect(future?.code == .expired)
    }

    @Test func otherKindsAndGarbageAreRefused() throws {
        var e = try evidence()
        e.kind = .sevSNP
        #expect((#expect(throws: AttestationError.self) { try verifier.verify(e, now: now) })?.code == .unsupportedKind)
        let garbage = Evidence(kind: .simulated, report: [1, 2, 3])
        #expect((#expect(throws: AttestationError.self) { try verifier.verify(garbage, now: now) })?.code == .malformedEvidence)
    }
}

@Suite struct VerifierRegistryTests {
    @Test func dispatchesByKindAndRefusesUnknownKinds() throws {
        let node = NodeKey()
        let registry = VerifierRegistry([SimulatedVerifier(trusting: [node.publicKey])])
        #expect(registry.kinds == [.simulated])
        let now = Date()
        let report = SimulatedReport(
            measurement: [UInt8](repeating: 1, count: 48), reportData: [UInt8](repeating: 2, count: 64),
            issuedAt: UInt64(now.timeIntervalSince1970), pid: 1)
        let claims = try registry.verify(Evidence(kind: .simulated, report: try node.sign(report).encoded()), now: now)
        #expect(claims.kind == .simulated)
        let error = #expect(throws: AttestationError.self) { try registry.verify(Evidence(kind: .tdx, report: [0]), now: now) }
        #expect(error?.code == .unsupportedKind)
        #expect(error?.message.contains("tdx") == true)
    }
}
