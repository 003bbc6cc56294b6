import Foundation
import Testing

@testable import Attestation

@Suite struct SNPRobustnessTests {
    @Test func truncatedReportsAreMalformedAtEveryOffset() throws {
        let report = try TEEVectors.bytes("amd-sev-snp/trustee/test-report.bin")
        for n in 0..<report.count {
            let error = try #require(refusal { try SNPReport(bytes: Array(report.prefix(n))) }, "prefix \(n)")
            #expect(error.code == .malformedEvidence)
            #expect(error.message.contains("truncated"))
        }
        let longer = report + [0]
        #expect(refusal { try SNPReport(bytes: longer) }?.message == "SNP report has 1 trailing bytes after offset 0x4a0")
    }

    @Test func randomReportsNeverVerify() throws {
        var rng = SeededBytes(seed: 1)
        let vcek = try TEEVectors.bytes("amd-sev-snp/trustee/test-vcek.der")
        let now = try TEEVectors.date("2025-01-01 00:00:00")
        for i in 0..<300 {
            var random = rng.bytes(i % 3 == 0 ? Int.random(in: 0...1300, using: &rng) : SNPReport.size)
            if random.count >= 8 { random[0] = UInt8(2 + i % 4); random[1] = 0; random[2] = 0; random[3] = 0 }
            if random.count > 0x48 { random[0x48] = 0 }  // VCEK-signed, so verification reaches the signature
            let error = refusal { try SNPVerifier().verify(Evidence(kind: .sevSNP, report: random, collateral: ["vcek": vcek]), now: now) }
            #expect(error != nil)
        }
    }

    @Test func truncatedAndMutatedCertificatesNeverCrash() throws {
        let der = try TEEVectors.bytes("amd-sev-snp/trustee/test-vcek.der")
        for n in 0..<der.count {
            let error = refusal { try VEKCertificate(AMDCertificate(derEncoded: Array(der.prefix(n)), role: "VCEK")) }
            #expect(error?.code == .malformedEvidence, "prefix \(n)")
        }
        var rng = SeededBytes(seed: 2)
        for _ in 0..<3000 {
            var mutated = der
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                mutated[Int.random(in: 0..<mutated.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            _ = refusal { try VEKCertificate(AMDCertificate(derEncoded: mutated, role: "VCEK")) }
            _ = refusal { try AMDCertificate.certificates(pemOrDER: mutated, role: "cert_chain") }
            _ = refusal { try AMDRevocationList(derEncoded: mutated) }
        }
        for _ in 0..<500 {
            let random = rng.bytes(Int.random(in: 0...600, using: &rng))
            _ = refusal { try AMDCertificate.certificates(pemOrDER: random, role: "cert_chain") }
            _ = refusal { try AMDRevocationList(derEncoded: random) }
        }
    }

    @Test func revocationListIsVerifiedAndConsulted() throws {
        let ark = try AMDCertificate(derEncoded: [UInt8](try #require(Data(base64Encoded: SNPCRLFixtures.testARK))), role: "test ARK")
        let crlDER = [UInt8](try #require(Data(base64Encoded: SNPCRLFixtures.crlRevokingMilanASK)))
        let crl = try AMDRevocationList(derEncoded: crlDER)
        let inside = try TEEVectors.date("2030-01-01 00:00:00")
        try crl.verify(issuedBy: ark, now: inside)
        let milanASK = try #require(AMDRootSet.bundled.products[.milan]).ask
        #expect(crl.isRevoked(milanASK))
        #expect(!crl.isRevoked(try #require(AMDRootSet.bundled.products[.genoa]).ask))
        #expect(refusal { try crl.verify(issuedBy: ark, now: try TEEVectors.date("2040-01-01 00:00:00")) }?.message.hasPrefix("CRL expired at 2036-11-24") == true)
        // Signed by another key than the real ARK-Milan's: refused in the verifier.
        #expect(refusal { try crl.verify(issuedBy: try #require(AMDRootSet.bundled.products[.milan]).ark, now: inside) }?.message == "CRL signature by ARK-Milan does not verify")
        var tampered = crlDER
        tampered[tampered.count - 10] ^= 1
        #expect(refusal { try AMDRevocationList(derEncoded: tampered).verify(issuedBy: ark, now: inside) }?.code == .certificateChain)

        let ev = Evidence(kind: .sevSNP, report: try TEEVectors.bytes("amd-sev-snp/go-sev-guest/attestation.bin"),
                          collateral: ["vcek": try TEEVectors.bytes("amd-sev-snp/go-sev-guest/vcek.der"), "crl": crlDER])
        let beforeVCEKExpiry = try TEEVectors.date("2028-01-01 00:00:00")
        let e = try #require(refusal { try SNPVerifier().verify(ev, now: beforeVCEKExpiry) })
        #expect(e.message == "CRL signature by ARK-Milan does not verify")
    }
}
