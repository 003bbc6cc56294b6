import Foundation
import Testing

@testable import Attestation

private let snpDir = "azure-vtpm/az-snp-vtpm/"
private let tdxDir = "azure-vtpm/az-tdx-vtpm/"

private func hclExpectations() throws -> [String: Any] {
    try #require(TEEVectors.expected()["azure_vtpm_hcl"] as? [String: Any])
}

/// Evidence JSON (trustee v1 layout) from the loose hcl-report.bin, VCEK and tpm-quote-v1.json.
private func looseSNPEvidence() throws -> [UInt8] {
    let quote = try TEEVectors.json(snpDir + "tpm-quote-v1.json")
    let doc: [String: Any] = [
        "version": 1, "tpm_quote": quote,
        "hcl_report": TEEVectors.hex(try TEEVectors.bytes(snpDir + "hcl-report.bin")),
        // vcek.pem holds VCEK, ASK and ARK; the evidence carries the VCEK only.
        "vcek": TEEVectors.hex(try AMDCertificate.certificates(pemOrDER: TEEVectors.bytes(snpDir + "vcek.pem"), role: "vcek.pem")[0].der),
    ]
    return [UInt8](try JSONSerialization.data(withJSONObject: doc))
}

@Suite struct AzureSNPVTPMTests {
    @Test func everyExpectedEvidenceVerifies() throws {
        let expectations = try hclExpectations()
        var checked = 0
        for (path, value) in expectations where path.hasPrefix(snpDir) {
            let e = try #require(value as? [String: Any])
            let fields = try #require(e["snp_fields"] as? [String: Any])
            let now = try TEEVectors.midpoint(try #require(e["vek_info"] as? [String: Any]))
            let report = path.hasSuffix("hcl-report.bin") ? try looseSNPEvidence() : try TEEVectors.bytes(path)
            let claims = try AzureSNPVTPMVerifier().verify(Evidence(kind: .azureSNPvTPM, report: report), now: now)
            #expect(claims.kind == .azureSNPvTPM)
            #expect(claims.measurement == fields["measurement"] as? String, "\(path)")
            #expect(claims.values["host_data"] == fields["host_data"] as? String)
            #expect(claims.values["chip_id"] == fields["chip_id"] as? String)
            #expect(claims.values["product"] == (try #require(e["chain"] as? [String: Any])["ark"] as? String)?.replacingOccurrences(of: "ARK-", with: ""))
            #expect(claims.values["pcr0"]?.count == 64)
            #expect(claims.values["vm_configuration.secure_boot"] != nil)
            #expect(claims.values["tpm.extra_data"] == TEEVectors.hex(claims.reportData))
            #expect(e["report_data_first32_equals_sha256(variable_data)"] as? Bool == true)
            checked += 1
        }
        #expect(checked == 4)
        // evidence-v0.json is listed with the TPM-quote expectations only.
        let v0 = try TEEVectors.bytes(snpDir + "evidence-v0.json")
        let claims = try AzureSNPVTPMVerifier().verify(Evidence(kind: .azureSNPvTPM, report: v0), now: try TEEVectors.date("2028-01-01 00:00:00"))
        #expect(claims.values["product"] == "Milan")
    }

    @Test func nonceIsTheQuoteExtraData() throws {
        let claims = try AzureSNPVTPMVerifier().verify(
            Evidence(kind: .azureSNPvTPM, report: try looseSNPEvidence()), now: try TEEVectors.date("2024-01-01 00:00:00"))
        #expect(claims.reportData == Array("challenge".utf8))
    }

    @Test func tamperingIsRefusedWithReasons() throws {
        let now = try TEEVectors.date("2024-01-01 00:00:00")
        let base = try #require(try JSONSerialization.jsonObject(with: Data(looseSNPEvidence())) as? [String: Any])
        func verify(_ doc: [String: Any]) throws -> AttestationError? {
            let bytes = [UInt8](try JSONSerialization.data(withJSONObject: doc))
            return refusal { try AzureSNPVTPMVerifier().verify(Evidence(kind: .azureSNPvTPM, report: bytes), now: now) }
        }
        #expect(try verify(base) == nil)
        let hcl = try TEEVectors.bytes(snpDir + "hcl-report.bin")
        // Runtime claims changed: their hash no longer matches the SNP report data.
        for offset in stride(from: 0x4D4, to: 0x4D4 + 1110, by: 97) {
            var h = hcl
            h[offset] ^= 0x20
            var doc = base
            doc["hcl_report"] = TEEVectors.hex(h)
            let error = try #require(try verify(doc), "flip at \(offset)")
            #expect([.reportDataMismatch, .malformedEvidence].contains(error.code), "\(offset): \(error)")
        }
        // SNP report inside the HCL report: signature fails.
        for offset in stride(from: 0x20, to: 0x20 + 0x2A0, by: 61) {
            var h = hcl
            h[offset] ^= 0x01
            var doc = base
            doc["hcl_report"] = TEEVectors.hex(h)
            let error = try #require(try verify(doc), "flip at \(offset)")
            #expect([.badSignature, .malformedEvidence, .untrustedSigner].contains(error.code), "\(offset): \(error)")
        }
        var quote = try #require(base["tpm_quote"] as? [String: Any])
        let message = try TEEVectors.unhex(try #require(quote["message"] as? String))
        // TPM quote message: every signed byte position (message is small).
        for offset in 0..<message.count {
            var m = message
            m[offset] ^= 0x01
            var q = quote
            q["message"] = TEEVectors.hex(m)
            var doc = base
            doc["tpm_quote"] = q
            let error = try #require(try verify(doc), "flip at \(offset)")
            #expect([.badSignature, .malformedEvidence].contains(error.code))
        }
        let sig = try TEEVectors.unhex(try #require(quote["signature"] as? String))
        var s = sig
        s[100] ^= 0x01
        quote["signature"] = TEEVectors.hex(s)
        var doc = base
        doc["tpm_quote"] = quote
        #expect(try verify(doc)?.message == "TPM quote signature by the HCL attestation key does not verify")
        // A supplied PCR value that is not the quoted one.
        var q2 = try #require(base["tpm_quote"] as? [String: Any])
        var pcrs = try #require(q2["pcrs"] as? [String])
        pcrs[7] = String(repeating: "00", count: 32)
        q2["pcrs"] = pcrs
        doc = base
        doc["tpm_quote"] = q2
        #expect(try verify(doc)?.message == "PCR digest in the TPM quote differs from the digest of the supplied PCR values")
    }

    @Test func expiredVCEKAndWrongRootAreRefused() throws {
        let ev = Evidence(kind: .azureSNPvTPM, report: try looseSNPEvidence())
        let e1 = try #require(refusal { try AzureSNPVTPMVerifier().verify(ev, now: try TEEVectors.date("2031-01-01 00:00:00")) })
        #expect(e1.code == .expired)
        #expect(e1.message.hasPrefix("VCEK certificate expired at 2030-05-02"))
        let genoa = try #require(AMDRootSet.bundled.products[.genoa])
        let wrong = AzureSNPVTPMVerifier(snp: SNPVerifier(roots: AMDRootSet(products: [.milan: genoa])))
        #expect(refusal { try wrong.verify(ev, now: try TEEVectors.date("2024-01-01 00:00:00")) }?.code == .certificateChain)
    }

    @Test func truncatedAndRandomInputNeverCrashes() throws {
        let hcl = try TEEVectors.bytes(snpDir + "hcl-report.bin")
        for n in 0..<hcl.count {
            let error = refusal { try HCLReport(bytes: Array(hcl.prefix(n))) }
            #expect(error?.code == .malformedEvidence || (error == nil && n >= 0x4D4 + 1110), "HCL prefix \(n)")
        }
        let message = try TEEVectors.unhex(try #require(try TEEVectors.json(snpDir + "tpm-quote-v1.json")["message"] as? String))
        for n in 0..<message.count {
            #expect(refusal { try TPMSAttest(bytes: Array(message.prefix(n))) }?.code == .malformedEvidence, "TPMS_ATTEST prefix \(n)")
        }
        var rng = SeededBytes(seed: 5)
        for i in 0..<2000 {
            let size = Int.random(in: 0...3000, using: &rng)
            var random = rng.bytes(size)
            if i % 2 == 0, random.count >= 8 { random.replaceSubrange(0..<4, with: Array("HCLA".utf8)) }
            _ = refusal { try HCLReport(bytes: random) }
            var attest = rng.bytes(Int.random(in: 0...300, using: &rng))
            if i % 2 == 0, attest.count >= 6 { attest.replaceSubrange(0..<6, with: [0xff, 0x54, 0x43, 0x47, 0x80, 0x18]) }
            _ = refusal { try TPMSAttest(bytes: attest) }
            _ = refusal { try AzureVTPMEvidence(json: random) }
        }
    }
}

/// A stand-in for the DCAP TDX verifier another part of Strongroom provides: it reads the TD
/// quote v4 body (report data at 568, MRTD at 184) without verifying it, so these tests cover
/// the vTPM layers of az-tdx-vtpm only. The quote itself is verified by the real TDX verifier.
private struct QuoteBodyReadingTDXVerifier: EvidenceVerifier {
    var kind: TEEKind { .tdx }
    var overrideReportData: [UInt8]?
    func verify(_ evidence: Evidence, now: Date) throws(AttestationError) -> AttestationClaims {
        let q = evidence.report
        guard q.count >= 632 else { throw AttestationError(.malformedEvidence, "short quote") }
        return AttestationClaims(
            kind: .tdx, measurement: TEEVectors.hex(Array(q[184..<232])), reportData: overrideReportData ?? Array(q[568..<632]),
            debug: false, simulated: false, tcbStatus: "UpToDate", values: ["mrtd": TEEVectors.hex(Array(q[184..<232]))])
    }
}

private struct RefusingTDXVerifier: EvidenceVerifier {
    var kind: TEEKind { .tdx }
    func verify(_ evidence: Evidence, now: Date) throws(AttestationError) -> AttestationClaims {
        throw AttestationError(.badSignature, "TD quote signature does not verify")
    }
}

@Suite struct AzureTDXVTPMTests {
    private func looseTDXEvidence() throws -> [UInt8] {
        let doc: [String: Any] = [
            "version": 1, "tpm_quote": try TEEVectors.json(tdxDir + "tpm-quote-v1.json"),
            "hcl_report": TEEVectors.hex(try TEEVectors.bytes(tdxDir + "hcl-report.bin")),
            "td_quote": TEEVectors.hex(try TEEVectors.bytes(tdxDir + "td-quote.bin")),
        ]
        return [UInt8](try JSONSerialization.data(withJSONObject: doc))
    }

    @Test func vTPMLayersVerifyForEveryRecordedEvidence() throws {
        let e = try #require(try hclExpectations()[tdxDir + "hcl-report.bin"] as? [String: Any])
        let verifier = AzureTDXVTPMVerifier(tdx: QuoteBodyReadingTDXVerifier())
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        for report in [try looseTDXEvidence(), try TEEVectors.bytes(tdxDir + "evidence-v0.json"), try TEEVectors.bytes(tdxDir + "evidence-v1.json")] {
            let claims = try verifier.verify(Evidence(kind: .azureTDXvTPM, report: report), now: now)
            #expect(claims.kind == .azureTDXvTPM)
            #expect(claims.reportData == Array("challenge".utf8))
            #expect(claims.tcbStatus == "UpToDate")
            #expect(claims.values["pcr0"]?.count == 64)
        }
        let hcl = try HCLReport(bytes: try TEEVectors.bytes(tdxDir + "hcl-report.bin"))
        #expect(TEEVectors.hex(hcl.hardwareReportData) == e["tdreport_reportdata"] as? String)
        try hcl.checkRuntimeClaimsBinding()
    }

    @Test func mismatchesAreRefused() throws {
        let ev = Evidence(kind: .azureTDXvTPM, report: try looseTDXEvidence())
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let e1 = try #require(refusal {
            try AzureTDXVTPMVerifier(tdx: QuoteBodyReadingTDXVerifier(overrideReportData: [UInt8](repeating: 0, count: 64))).verify(ev, now: now)
        })
        #expect(e1.code == .reportDataMismatch)
        #expect(e1.message == "TD quote report data differs from the HCL TDREPORT's")
        let e2 = try #require(refusal { try AzureTDXVTPMVerifier(tdx: RefusingTDXVerifier()).verify(ev, now: now) })
        #expect(e2.message == "TD quote signature does not verify")
        #expect(refusal { try AzureTDXVTPMVerifier(tdx: SNPVerifier()).verify(ev, now: now) }?.code == .unsupportedKind)
        // SNP evidence through the TDX verifier.
        let snp = Evidence(kind: .azureTDXvTPM, report: try TEEVectors.bytes(snpDir + "evidence-v1.json"))
        #expect(refusal { try AzureTDXVTPMVerifier(tdx: QuoteBodyReadingTDXVerifier()).verify(snp, now: now) }?.code == .malformedEvidence)
    }
}
