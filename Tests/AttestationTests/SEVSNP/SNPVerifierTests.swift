import Foundation
import Testing

@testable import Attestation

/// The SEV-SNP cases of ATTESTATION_EXPECTED.json that have a VEK certificate.
private func snpCases() throws -> [(path: String, expected: [String: Any])] {
    let all = try #require(TEEVectors.expected()["amd_sev_snp"] as? [String: Any])
    return all.compactMap { key, value in
        guard let e = value as? [String: Any], e["vek_cert"] != nil else { return nil }
        return (key.replacingOccurrences(of: "amd-sev-snp/", with: "amd-sev-snp/"), e)
    }.sorted { $0.path < $1.path }
}

private func evidence(_ path: String, _ expected: [String: Any]) throws -> Evidence {
    let report = try TEEVectors.bytes(path)
    let certPath = try #require(expected["vek_cert"] as? String)
    let key = (expected["vek_info"] as? [String: Any])?["subject"].map { "\($0)".contains("VLEK") } == true ? "vlek" : "vcek"
    return Evidence(kind: .sevSNP, report: report, collateral: [key: try TEEVectors.bytes(certPath)])
}

private func tcbMatches(_ tcb: SNPTCB, _ expected: Any?) throws {
    let e = try #require(expected as? [String: Any])
    #expect(Int(tcb.bootloader) == e["bootloader"] as? Int)
    #expect(Int(tcb.tee) == e["tee"] as? Int)
    #expect(Int(tcb.snp) == e["snp"] as? Int)
    #expect(Int(tcb.microcode) == e["microcode"] as? Int)
}

@Suite struct SNPReportParsingTests {
    @Test func everyExpectedFieldParses() throws {
        let cases = try snpCases()
        #expect(cases.count == 3)
        for (path, expected) in cases {
            let f = try #require(expected["fields"] as? [String: Any])
            let r = try SNPReport(bytes: TEEVectors.bytes(path))
            #expect(Int(r.version) == f["version"] as? Int, "\(path)")
            #expect(Int(r.guestSVN) == f["guest_svn"] as? Int)
            #expect(String(format: "%016llx", r.policy.raw) == f["policy"] as? String)
            #expect(TEEVectors.hex(r.familyID) == f["family_id"] as? String)
            #expect(TEEVectors.hex(r.imageID) == f["image_id"] as? String)
            #expect(Int(r.vmpl) == f["vmpl"] as? Int)
            #expect(Int(r.signatureAlgorithm) == f["signature_algo"] as? Int)
            #expect(String(format: "%016llx", r.platformInfo.raw) == f["platform_info"] as? String)
            #expect(Int(r.keyInfo) == f["flags_0x48"] as? Int)
            let sel = f["signing_key_sel(bits2-4)"] as? Int
            #expect((r.signingKey == .vcek && sel == 0) || (r.signingKey == .vlek && sel == 1))
            #expect(r.chipIDMasked == (f["mask_chip_key"] as? Int == 1))
            #expect(r.authorKeyEnabled == (f["author_key_en"] as? Int == 1))
            #expect(TEEVectors.hex(r.reportData) == f["report_data"] as? String)
            #expect(TEEVectors.hex(r.measurement) == f["measurement"] as? String)
            #expect(TEEVectors.hex(r.hostData) == f["host_data"] as? String)
            #expect(TEEVectors.hex(r.idKeyDigest) == f["id_key_digest"] as? String)
            #expect(TEEVectors.hex(r.authorKeyDigest) == f["author_key_digest"] as? String)
            #expect(TEEVectors.hex(r.reportID) == f["report_id"] as? String)
            #expect(TEEVectors.hex(r.reportIDMigrationAgent) == f["report_id_ma"] as? String)
            #expect(TEEVectors.hex(r.chipID) == f["chip_id"] as? String)
            #expect(r.currentVersion.description == f["current_version"] as? String)
            #expect(r.committedVersion.description == f["committed_version"] as? String)
            for (name, raw) in [("current_tcb", r.currentTCBRaw), ("reported_tcb", r.reportedTCBRaw), ("committed_tcb", r.committedTCBRaw), ("launch_tcb", r.launchTCBRaw)] {
                let e = try #require(f[name] as? [String: Any])
                // "raw" in the expected file is the u64 printed big-endian.
                #expect(String(format: "%016llx", raw) == e["raw"] as? String, "\(path) \(name)")
                try tcbMatches(SNPTCB(raw: raw, product: .milan), e)
            }
            if let fam = f["cpuid_fam_id"] as? Int {
                #expect(Int(r.cpuidFamily) == fam)
                #expect(Int(r.cpuidModel) == f["cpuid_mod_id"] as? Int)
                #expect(Int(r.cpuidStepping) == f["cpuid_step"] as? Int)
            }
        }
    }

    @Test func turinTCBLayout() {
        // Turin: byte 0 FMC, 1 boot loader, 2 TEE, 3 SNP, 7 microcode.
        let raw: UInt64 = 0x4800_0000_0304_0102
        let t = SNPTCB(raw: raw, product: .turin)
        #expect(t == SNPTCB(bootloader: 1, tee: 4, snp: 3, microcode: 0x48, fmc: 2))
        let m = SNPTCB(raw: raw, product: .milan)
        #expect(m == SNPTCB(bootloader: 2, tee: 1, snp: 0, microcode: 0x48))
    }

    @Test func productFromCPUID() {
        #expect(SNPProduct(cpuidFamily: 0x19, model: 0x01) == .milan)
        #expect(SNPProduct(cpuidFamily: 0x19, model: 0x11) == .genoa)
        #expect(SNPProduct(cpuidFamily: 0x19, model: 0xA0) == .genoa)
        #expect(SNPProduct(cpuidFamily: 0x1A, model: 0x02) == .turin)
        #expect(SNPProduct(cpuidFamily: 0x17, model: 0x01) == nil)
    }
}

@Suite struct SNPVerifierTests {
    @Test func expectedCasesVerifyWithTheirClaims() throws {
        for (path, expected) in try snpCases() {
            let vekInfo = try #require(expected["vek_info"] as? [String: Any])
            let f = try #require(expected["fields"] as? [String: Any])
            let chain = try #require(expected["chain"] as? [String: Any])
            let now = try TEEVectors.midpoint(vekInfo)
            let ev = try evidence(path, expected)
            #expect(expected["signature_valid"] as? Bool == true)
            let claims = try SNPVerifier().verify(ev, now: now)
            #expect(claims.kind == .sevSNP)
            #expect(claims.measurement == f["measurement"] as? String, "\(path)")
            #expect(TEEVectors.hex(claims.reportData) == f["report_data"] as? String)
            let policyText = try #require(f["policy"] as? String)
            let policy = try #require(UInt64(policyText, radix: 16))
            #expect(claims.debug == (policy >> 19 & 1 == 1))
            #expect(claims.simulated == false)
            let v = claims.values
            #expect(v["host_data"] == f["host_data"] as? String)
            #expect(v["policy"] == f["policy"] as? String)
            #expect(v["vmpl"] == "\(f["vmpl"] ?? "")")
            #expect(v["chip_id"] == f["chip_id"] as? String)
            #expect(v["family_id"] == f["family_id"] as? String)
            #expect(v["image_id"] == f["image_id"] as? String)
            #expect(v["report_id"] == f["report_id"] as? String)
            #expect(v["guest_svn"] == "\(f["guest_svn"] ?? "")")
            #expect(v["id_key_digest"] == f["id_key_digest"] as? String)
            #expect(v["author_key_digest"] == f["author_key_digest"] as? String)
            let ark = try #require(chain["ark"] as? String)
            #expect("ARK-" + (v["product"] ?? "") == ark)
            let reported = try #require(f["reported_tcb"] as? [String: Any])
            for name in ["bootloader", "tee", "snp", "microcode"] {
                #expect(v["tcb.\(name)"] == "\(reported[name] ?? "")", "\(path) tcb.\(name)")
            }
            // The VEK certificate's own fields.
            let vek = try VEKCertificate(AMDCertificate(pemOrDER: try TEEVectors.bytes(try #require(expected["vek_cert"] as? String)), role: "VEK"))
            #expect(vek.productName == vekInfo["productName"] as? String)
            #expect(Int(vek.bootloaderSPL) == vekInfo["blSPL"] as? Int)
            #expect(Int(vek.teeSPL) == vekInfo["teeSPL"] as? Int)
            #expect(Int(vek.snpSPL) == vekInfo["snpSPL"] as? Int)
            #expect(Int(vek.microcodeSPL) == vekInfo["ucodeSPL"] as? Int)
            if let hwid = vekInfo["hwID"] as? String { #expect(vek.hardwareID.map(TEEVectors.hex) == hwid) }
            if let csp = vekInfo["cspID"] as? String {
                #expect(csp == vek.cspID)
                #expect(v["vlek.csp_id"] == vek.cspID)
            }
            #expect(vek.certificate.issuerCommonName == chain["ask"] as? String)
        }
    }

    @Test func trusteeE2EEvidenceVerifiesWithItsCertChainVCEK() throws {
        // The sev crate's serde JSON of a Genoa report; rebuilt into the 1184-byte ABI layout.
        let doc = try TEEVectors.json("amd-sev-snp/trustee/e2e-snp-evidence.json")
        let r = try #require(doc["attestation_report"] as? [String: Any])
        var b = [UInt8](repeating: 0, count: SNPReport.size)
        func put(_ off: Int, _ value: Any?, _ width: Int) throws {
            let n = try #require(value as? Int)
            for i in 0..<width { b[off + i] = UInt8(truncatingIfNeeded: UInt64(n) >> (8 * UInt64(i))) }
        }
        func bytes(_ off: Int, _ value: Any?) throws {
            let a = try #require(value as? [Int])
            for (i, x) in a.enumerated() { b[off + i] = UInt8(x) }
        }
        func tcb(_ off: Int, _ value: Any?) throws {
            let t = try #require(value as? [String: Any])
            try put(off, t["bootloader"], 1); try put(off + 1, t["tee"], 1)
            try put(off + 6, t["snp"], 1); try put(off + 7, t["microcode"], 1)
        }
        func version(_ off: Int, _ value: Any?) throws {
            let v = try #require(value as? [String: Any])
            try put(off, v["build"], 1); try put(off + 1, v["minor"], 1); try put(off + 2, v["major"], 1)
        }
        try put(0, r["version"], 4); try put(4, r["guest_svn"], 4); try put(8, r["policy"], 8)
        try bytes(0x10, r["family_id"]); try bytes(0x20, r["image_id"]); try put(0x30, r["vmpl"], 4)
        try put(0x34, r["sig_algo"], 4); try tcb(0x38, r["current_tcb"]); try put(0x40, r["plat_info"], 8)
        try put(0x48, r["key_info"], 4); try bytes(0x50, r["report_data"]); try bytes(0x90, r["measurement"])
        try bytes(0xC0, r["host_data"]); try bytes(0xE0, r["id_key_digest"]); try bytes(0x110, r["author_key_digest"])
        try bytes(0x140, r["report_id"]); try bytes(0x160, r["report_id_ma"]); try tcb(0x180, r["reported_tcb"])
        try put(0x188, r["cpuid_fam_id"], 1); try put(0x189, r["cpuid_mod_id"], 1); try put(0x18A, r["cpuid_step"], 1)
        try bytes(0x1A0, r["chip_id"]); try tcb(0x1E0, r["committed_tcb"]); try version(0x1E8, r["current"])
        try version(0x1EC, r["committed"]); try tcb(0x1F0, r["launch_tcb"])
        let sig = try #require(r["signature"] as? [String: Any])
        try bytes(0x2A0, sig["r"]); try bytes(0x2E8, sig["s"])
        let chain = try #require(doc["cert_chain"] as? [[String: Any]])
        let vcek = try #require(chain.first?["data"] as? [Int]).map { UInt8($0) }

        let ev = Evidence(kind: .sevSNP, report: b, collateral: ["vcek": vcek])
        let claims = try SNPVerifier().verify(ev, now: try TEEVectors.date("2026-01-01 00:00:00"))
        #expect(claims.values["product"] == "Genoa")
        #expect(claims.measurement == TEEVectors.hex(try #require(r["measurement"] as? [Int]).map { UInt8($0) }))
    }

    @Test func byteFlipsInTheSignedRegionAreRefused() throws {
        let (path, expected) = try #require(try snpCases().first { $0.path.hasSuffix("trustee/test-report.bin") })
        let ev = try evidence(path, expected)
        let now = try TEEVectors.midpoint(try #require(expected["vek_info"] as? [String: Any]))
        let verifier = SNPVerifier()
        #expect(expected["negative_byte42_flip_rejected"] as? Bool == true)
        // Every 7th byte of the signed part plus the upstream byte 42, and samples of r and s.
        var positions = Array(stride(from: 0, to: 0x2A0, by: 7)) + [42, 0x2A0 - 1]
        positions += Array(stride(from: 0x2A0, to: 0x2A0 + 48, by: 5)) + Array(stride(from: 0x2E8, to: 0x2E8 + 48, by: 5))
        for position in positions {
            var flipped = ev
            flipped.report[position] ^= 0x01
            let error = try #require(refusal { try verifier.verify(flipped, now: now) }, "flip at \(position) accepted")
            #expect([.badSignature, .malformedEvidence, .untrustedSigner, .certificateChain].contains(error.code), "\(position): \(error)")
            #expect(!error.message.isEmpty)
            if position == 42 {
                #expect(error.code == .badSignature)
                #expect(error.message == "VCEK signature over SNP report does not verify")
            }
        }
    }

    @Test func reportedTCBDifferentFromTheVCEKIsRefused() throws {
        // trustee: +1 on byte 384 (reported_tcb boot loader) must fail the TCB check.
        var bytes = try TEEVectors.bytes("amd-sev-snp/trustee/test-report.bin")
        bytes[384] &+= 1
        let report = try SNPReport(bytes: bytes)
        let vek = try VEKCertificate(AMDCertificate(pemOrDER: TEEVectors.bytes("amd-sev-snp/trustee/test-vcek.der"), role: "VCEK"))
        let error = try #require(refusal { try SNPVerifier.checkTCB(report: report, vek: vek, product: .milan) })
        #expect(error.code == .tcb)
        #expect(error.message == "TCB SVN in VCEK (bootloader 3) differs from reported TCB (bootloader 4)")
        var snp = try TEEVectors.bytes("amd-sev-snp/trustee/test-report.bin")
        snp[0x186] &+= 1  // snp SPL
        let e2 = try #require(refusal { try SNPVerifier.checkTCB(report: try SNPReport(bytes: snp), vek: vek, product: .milan) })
        #expect(e2.message == "TCB SVN in VCEK (snp 8) differs from reported TCB (snp 9)")
        // And through the verifier the signature fails first.
        let ev = Evidence(kind: .sevSNP, report: bytes, collateral: ["vcek": try TEEVectors.bytes("amd-sev-snp/trustee/test-vcek.der")])
        #expect(refusal { try SNPVerifier().verify(ev, now: try! TEEVectors.date("2025-01-01 00:00:00")) }?.code == .badSignature)
    }

    @Test func wrongRootIsRefused() throws {
        let (path, expected) = try #require(try snpCases().first { $0.path.hasSuffix("go-sev-guest/attestation.bin") })
        let ev = try evidence(path, expected)
        let now = try TEEVectors.midpoint(try #require(expected["vek_info"] as? [String: Any]))
        let bundled = AMDRootSet.bundled
        let genoa = try #require(bundled.products[.genoa])
        let milan = try #require(bundled.products[.milan])
        // Milan's ASK under Genoa's ARK: the ASK signature does not verify.
        let wrong = AMDRootSet(products: [.milan: .init(ark: genoa.ark, ask: milan.ask, asvk: nil)])
        let e1 = try #require(refusal { try SNPVerifier(roots: wrong).verify(ev, now: now) })
        #expect(e1.code == .certificateChain)
        #expect(e1.message == "SEV-Milan is not issued by ARK-Genoa" || e1.message.contains("signature by ARK-Genoa does not verify"))
        // Genoa's chain for a Milan VCEK: no SEV-Milan intermediate at all.
        let genoaOnly = AMDRootSet(products: [.milan: genoa])
        let e2 = try #require(refusal { try SNPVerifier(roots: genoaOnly).verify(ev, now: now) })
        #expect(e2.code == .certificateChain)
        // No root for the product.
        let none = AMDRootSet(products: [.genoa: genoa])
        #expect(refusal { try SNPVerifier(roots: none).verify(ev, now: now) }?.code == .untrustedSigner)
        // A supplied chain is accepted when it is AMD's own (ARK equal to the bundled one).
        var supplied = ev
        supplied.collateral["cert_chain"] = try TEEVectors.bytes("amd-sev-snp/go-sev-guest/ask_ark_milan.pem")
        #expect(try SNPVerifier().verify(supplied, now: now).values["product"] == "Milan")
        // A supplied intermediate that the trusted ARK did not sign is not used: with no bundled
        // ASK, Genoa's ASK offered for a Milan VCEK leaves no SEV-Milan certificate.
        var noASK = supplied
        noASK.collateral["cert_chain"] = try TEEVectors.bytes("amd-sev-snp/go-sev-guest/ask_ark_genoa.pem")
        let asvkOnly = AMDRootSet(products: [.milan: .init(ark: milan.ark, ask: milan.asvk!, asvk: nil)])
        let e3 = try #require(refusal { try SNPVerifier(roots: asvkOnly).verify(noASK, now: now) })
        #expect(e3.code == .certificateChain)
    }

    @Test func expiredAndNotYetValidCertificatesAreRefused() throws {
        let (path, expected) = try #require(try snpCases().first { $0.path.hasSuffix("go-sev-guest/attestation.bin") })
        let ev = try evidence(path, expected)
        let vekInfo = try #require(expected["vek_info"] as? [String: Any])
        let after = try TEEVectors.date(try #require(vekInfo["not_after"] as? String)).addingTimeInterval(86400)
        let e1 = try #require(refusal { try SNPVerifier().verify(ev, now: after) })
        #expect(e1.code == .expired)
        #expect(e1.message == "VCEK certificate expired at 2029-09-24T00:55:28Z")
        let before = try TEEVectors.date(try #require(vekInfo["not_before"] as? String)).addingTimeInterval(-86400)
        let e2 = try #require(refusal { try SNPVerifier().verify(ev, now: before) })
        #expect(e2.code == .expired)
        #expect(e2.message == "VCEK certificate not valid before 2022-09-24T00:55:28Z")
        // The VLEK is valid for one year only.
        let (vpath, vexp) = try #require(try snpCases().first { $0.path.hasSuffix("test-vlek-report.bin") })
        let e3 = try #require(refusal { try SNPVerifier().verify(try evidence(vpath, vexp), now: try TEEVectors.date("2026-06-01 00:00:00")) })
        #expect(e3.message == "VLEK certificate expired at 2025-12-10T22:14:21Z")
    }

    @Test func requirementsRefuseWithReasons() throws {
        let cases = try snpCases()
        func run(_ suffix: String, _ req: SNPRequirements) throws -> AttestationError? {
            let (path, expected) = try #require(cases.first { $0.path.hasSuffix(suffix) })
            let now = try TEEVectors.midpoint(try #require(expected["vek_info"] as? [String: Any]))
            let ev = try evidence(path, expected)
            return refusal { try SNPVerifier(requirements: req).verify(ev, now: now) }
        }
        let tcb = try run("test-report.bin", SNPRequirements(minimumTCB: SNPTCB(bootloader: 3, tee: 0, snp: 9, microcode: 115)))
        #expect(tcb?.code == .tcb)
        #expect(tcb?.message == "reported TCB snp 8 is below the minimum 9")
        #expect(try run("test-report.bin", SNPRequirements(minimumTCB: SNPTCB(bootloader: 3, tee: 0, snp: 8, microcode: 115))) == nil)
        let vmpl = try run("test-vlek-report.bin", SNPRequirements(maximumVMPL: 0))
        #expect(vmpl?.message == "report VMPL 1 is above the maximum 0")
        // go-sev-guest's report has policy 0xb0000: bit 19 (debug) set.
        let debug = try run("go-sev-guest/attestation.bin", SNPRequirements(allowDebug: false))
        #expect(debug?.message == "guest policy allows debugging (policy bit 19)")
        let smt = try run("test-report.bin", SNPRequirements(allowSMT: false))
        #expect(smt?.message == "SMT is enabled on the platform (platform_info bit 0)")
        #expect(try run("test-report.bin", SNPRequirements(allowMigrationAgent: false)) == nil)
        let crl = try run("test-report.bin", SNPRequirements(requireCRL: true))
        #expect(crl?.code == .certificateChain)
    }

    @Test func signerMismatchesAreRefused() throws {
        let cases = try snpCases()
        let (vpath, vexp) = try #require(cases.first { $0.path.hasSuffix("test-vlek-report.bin") })
        let now = try TEEVectors.midpoint(try #require(vexp["vek_info"] as? [String: Any]))
        // A VLEK-signed report with a VCEK offered.
        let wrongKind = Evidence(kind: .sevSNP, report: try TEEVectors.bytes(vpath), collateral: ["vcek": try TEEVectors.bytes("amd-sev-snp/trustee/test-vcek.der")])
        let e1 = try #require(refusal { try SNPVerifier().verify(wrongKind, now: now) })
        #expect(e1.message == "SNP report is signed with the VLEK (key_info) but the supplied certificate is a VCEK")
        // Another chip's VCEK (valid chain) does not verify the report.
        let (path, expected) = try #require(cases.first { $0.path.hasSuffix("trustee/test-report.bin") })
        let other = Evidence(kind: .sevSNP, report: try TEEVectors.bytes(path), collateral: ["vcek": try TEEVectors.bytes("amd-sev-snp/go-sev-guest/vcek.der")])
        let otherNow = try TEEVectors.midpoint(try #require(expected["vek_info"] as? [String: Any]))
        let e2 = try #require(refusal { try SNPVerifier().verify(other, now: otherNow) })
        #expect(e2.code == .badSignature)
        // No collateral at all.
        let bare = Evidence(kind: .sevSNP, report: try TEEVectors.bytes(path))
        #expect(refusal { try SNPVerifier().verify(bare, now: now) }?.code == .malformedEvidence)
        // The wrong kind of evidence.
        #expect(refusal { try SNPVerifier().verify(Evidence(kind: .tdx, report: []), now: now) }?.code == .unsupportedKind)
    }

    @Test func bundledRootsAreAMDsPublishedOnes() throws {
        for (product, file) in [(SNPProduct.milan, "ask_ark_milan.pem"), (.genoa, "ask_ark_genoa.pem"), (.turin, "ask_ark_turin_vcek.pem")] {
            let certs = try AMDCertificate.certificates(pemOrDER: TEEVectors.bytes("amd-sev-snp/go-sev-guest/" + file), role: file)
            let roots = try #require(AMDRootSet.bundled.products[product])
            #expect(certs.map(\.der).contains(roots.ark.der), "\(product)")
            #expect(certs.map(\.der).contains(roots.ask.der), "\(product)")
            #expect(roots.ark.subjectCommonName == "ARK-\(product.rawValue)")
            try roots.ark.verifySignature(issuedBy: roots.ark, role: "ARK")
            try roots.ask.verifySignature(issuedBy: roots.ark, role: "ASK")
            try #require(roots.asvk).verifySignature(issuedBy: roots.ark, role: "ASVK")
        }
    }

    @Test func trusteeParserRobustnessVCEKsParse() throws {
        // legacy: hwID as 64 raw bytes, 2-byte INTEGER ucodeSPL, non-positive serial; new: hwID in an OCTET STRING.
        for file in ["test-vcek-invalid-legacy.der", "test-vcek-invalid-new.der"] {
            let vek = try VEKCertificate(AMDCertificate(pemOrDER: TEEVectors.bytes("amd-sev-snp/trustee/" + file), role: "VCEK"))
            #expect(vek.hardwareID?.count == 64, "\(file)")
            #expect(vek.kind == .vcek)
        }
        let legacy = try VEKCertificate(AMDCertificate(pemOrDER: TEEVectors.bytes("amd-sev-snp/trustee/test-vcek-invalid-legacy.der"), role: "VCEK"))
        #expect(legacy.microcodeSPL == 0xA9)
    }
}

