import Support
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509
@testable import Attestation

@Suite("DCAP quote verification")
struct DCAPVerificationTests {
    @Test("every case with collateral gives the expected verdict, status, advisories and claims")
    func expectedVerdicts() throws {
        let cases = try DCAPVectors.cases().filter { $0.collateral != nil }
        #expect(cases.count == 4)
        for c in cases {
            let now = try #require(c.now)
            let evidence = try DCAPVectors.evidence(c)
            let verifier = try DCAPVectors.verifier(for: c)
            if let status = c.expectedStatus {
                let claims = try verifier.verify(evidence, now: now)
                #expect(claims.tcbStatus == status, "\(c.path)")
                #expect(claims.advisoryIDs == c.expectedAdvisories, "\(c.path)")
                #expect(claims.values["tcb_status"] == status)
                #expect(claims.values["fmspc"] == c.fmspc.lowercased(), "\(c.path)")
                #expect(LowercaseHex.encode(claims.reportData) == c.report["report_data"], "\(c.path)")
                #expect(claims.simulated == false)
                if c.isTDX {
                    #expect(claims.kind == .tdx)
                    #expect(claims.measurement == c.report["mr_td"])
                    #expect(claims.values["rtmr0"] == c.report["rt_mr0"])
                    #expect(claims.values["rtmr3"] == c.report["rt_mr3"])
                    #expect(claims.values["mrconfigid"] == c.report["mr_config_id"])
                    #expect(claims.values["mrowner"] == c.report["mr_owner"])
                    #expect(claims.values["mrseam"] == c.report["mr_seam"])
                    #expect(claims.values["xfam"] == c.report["xfam"])
                    #expect(claims.values["td_attributes"] == c.report["td_attributes"])
                    #expect(claims.debug == false)
                } else {
                    #expect(claims.kind == .sgx)
                    #expect(claims.measurement == c.report["mr_enclave"])
                    #expect(claims.values["mrsigner"] == c.report["mr_signer"])
                    #expect(claims.values["attributes"] == c.report["attributes"])
                    #expect(claims.values["isv_prod_id"] == "0")
                    #expect(claims.values["isv_svn"] == "0")
                    #expect(claims.debug == false)
                }
            } else {
                // dcap-qvl: "No matching TCB level found" — the same refusal, same reason.
                let error = try #require(throws: AttestationError.self) { try verifier.verify(evidence, now: now) }
                #expect(error.code == .tcb, "\(c.path): \(error)")
                #expect(error.message.lowercased().contains("no matching tcb level found"), "\(c.path): \(error)")
                #expect(c.expectedError?.contains("No matching TCB level found") == true)
            }
        }
    }

    @Test("QE and platform statuses as dcap-qvl reports them")
    func separateStatuses() throws {
        let c = try #require(try DCAPVectors.cases().first { $0.path == "intel-sgx/dcap-qvl/sgx_quote" })
        let evidence = try DCAPVectors.evidence(c)
        let quote = try DCAPQuote(bytes: evidence.report)
        let verified = try DCAPQuoteVerifier().verify(
            quote: quote, collateral: DCAPCollateral(evidenceCollateral: evidence.collateral), now: try #require(c.now))
        #expect(verified.qeTCB == TCBVerdict(status: .upToDate))
        #expect(verified.platformTCB == TCBVerdict(status: .configurationAndSWHardeningNeeded, advisoryIDs: ["INTEL-SA-00289", "INTEL-SA-00615"]))
    }

    @Test("a byte flip anywhere in the signed header and body breaks the attestation key signature")
    func flipInSignedRegion() throws {
        for c in try DCAPVectors.verifiable() {
            let evidence = try DCAPVectors.evidence(c)
            let parsed = try DCAPQuote(bytes: evidence.report)
            let signedLength = parsed.signedBytes.count
            let bodyStart = QuoteHeader.size + (parsed.header.version == 5 ? 6 : 0)
            for position in stride(from: 0, to: signedLength, by: 7) + [signedLength - 1] {
                var flipped = evidence
                flipped.report[position] ^= 0x01
                let error = try #require(throws: AttestationError.self) {
                    try DCAPVectors.verifier(for: c).verify(flipped, now: try #require(c.now))
                }
                // Header fields that the parser checks (version, key type, tee type, body type/size)
                // are refused as malformed; an unknown QE vendor as untrusted; all else by signature.
                #expect([.badSignature, .malformedEvidence, .untrustedSigner, .unsupportedKind].contains(error.code), "\(c.path) at \(position): \(error)")
                if position >= bodyStart {
                    #expect(error.code == .badSignature, "\(c.path) body byte \(position): \(error)")
                    #expect(error.message.contains("attestation key signature"), "\(c.path) at \(position)")
                }
            }
        }
    }

    @Test("byte flips in the QE report, its signature, the attestation key and QE auth data are refused")
    func flipInQERegions() throws {
        for c in try DCAPVectors.verifiable() {
            let evidence = try DCAPVectors.evidence(c)
            let quote = try DCAPQuote(bytes: evidence.report)
            // Signature data: sig(64) key(64) [v4+: type(2) size(4)] QE report(384) QE sig(64) auth size(2) auth.
            let sigData = quote.signedBytes.count + 4
            let qeStart = sigData + 128 + (quote.header.version == 3 ? 0 : 6)
            let regions: [(String, Range<Int>, [AttestationError.Code])] = [
                ("quote signature", sigData..<(sigData + 64), [.badSignature]),
                ("attestation key", (sigData + 64)..<(sigData + 128), [.badSignature, .malformedEvidence]),
                ("QE report", qeStart..<(qeStart + 384), [.badSignature]),
                ("QE report signature", (qeStart + 384)..<(qeStart + 448), [.badSignature]),
                ("QE auth data", (qeStart + 450)..<(qeStart + 450 + quote.qeCertification.qeAuthData.count), [.badSignature]),
            ]
            for (name, range, codes) in regions where !range.isEmpty {
                for position in stride(from: range.lowerBound, to: range.upperBound, by: max(1, range.count / 12)) {
                    var flipped = evidence
                    flipped.report[position] ^= 0x80
                    let error = try #require(throws: AttestationError.self) {
                        try DCAPVectors.verifier(for: c).verify(flipped, now: try #require(c.now))
                    }
                    #expect(codes.contains(error.code), "\(c.path) \(name) at \(position): \(error)")
                }
            }
        }
    }

    @Test("byte flips in signed collateral (TCB info, QE identity) break Intel's signature")
    func flipInCollateral() throws {
        for c in try DCAPVectors.verifiable() {
            let evidence = try DCAPVectors.evidence(c)
            for key in ["tcb_info", "qe_identity"] {
                let body = try #require(evidence.collateral[key])
                for position in stride(from: 0, to: body.count, by: max(1, body.count / 16)) {
                    var flipped = evidence
                    flipped.collateral[key]![position] ^= 0x01
                    let error = try #require(throws: AttestationError.self) {
                        try DCAPVectors.verifier(for: c).verify(flipped, now: try #require(c.now))
                    }
                    #expect(error.code == .badSignature, "\(c.path) \(key) at \(position): \(error)")
                }
            }
            for key in ["root_ca_crl", "pck_crl"] {
                let hex = try #require(evidence.collateral[key])
                var der = try #require(LowercaseHex.decode(String(decoding: hex, as: UTF8.self)))
                // Flip a byte of the signed tbsCertList (after the outer header, before the signature).
                der[der.count / 3] ^= 0x01
                var flipped = evidence
                flipped.collateral[key] = der
                #expect(throws: AttestationError.self) { try DCAPVectors.verifier(for: c).verify(flipped, now: try #require(c.now)) }
            }
        }
    }

    @Test("a chain to another root is refused as untrusted")
    func wrongRoot() throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("Not Intel SGX Root CA") }
        let root = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey), notValidBefore: Date(timeIntervalSince1970: 0),
            notValidAfter: Date(timeIntervalSince1970: 4_000_000_000), issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try .init { Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil)) },
            issuerPrivateKey: .init(key))
        var serializer = DER.Serializer()
        try serializer.serialize(root)
        for c in try DCAPVectors.verifiable() {
            let evidence = try DCAPVectors.evidence(c)
            let verifier: any EvidenceVerifier = c.isTDX
                ? try TDXVerifier(trustedRootDER: serializer.serializedBytes) : try SGXVerifier(trustedRootDER: serializer.serializedBytes)
            let error = try #require(throws: AttestationError.self) { try verifier.verify(evidence, now: try #require(c.now)) }
            #expect(error.code == .untrustedSigner, "\(c.path): \(error)")
            #expect(error.message.contains("Not Intel SGX Root CA"), "\(error)")
        }
    }

    @Test("after the PCK certificate's notAfter the PCK certificate is reported expired")
    func expiredPCK() throws {
        for c in try DCAPVectors.verifiable() {
            let evidence = try DCAPVectors.evidence(c)
            let chain = try IntelCertificateChain(
                pem: DCAPQuote(bytes: evidence.report).qeCertification.certificationData, leafName: "PCK certificate")
            let later = chain.leaf.notValidAfter.addingTimeInterval(86_400)
            let error = try #require(throws: AttestationError.self) { try DCAPVectors.verifier(for: c).verify(evidence, now: later) }
            #expect(error.code == .expired, "\(c.path): \(error)")
            #expect(error.message.hasPrefix("PCK certificate expired at 20"), "\(error)")
        }
    }

    @Test("collateral past nextUpdate is refused as expired, naming it")
    func expiredCollateral() throws {
        for c in try DCAPVectors.verifiable() {
            let evidence = try DCAPVectors.evidence(c)
            let error = try #require(throws: AttestationError.self) {
                try DCAPVectors.verifier(for: c).verify(evidence, now: try #require(c.now).addingTimeInterval(3600))
            }
            #expect(error.code == .expired, "\(c.path): \(error)")
            #expect(error.message.contains("expired at"), "\(error)")
        }
    }

    @Test("report data that is not the expected binding is refused")
    func mismatchedReportData() throws {
        for c in try DCAPVectors.verifiable() {
            let evidence = try DCAPVectors.evidence(c)
            let now = try #require(c.now)
            let binding = ReportDataBinding.reportData(nonce: [1, 2, 3], runtimePublicKey: [4], jobHash: ReportDataBinding.noJobHash)
            let error = try #require(throws: AttestationError.self) {
                if c.isTDX { _ = try TDXVerifier().verify(evidence, now: now, expectedReportData: binding) }
                else { _ = try SGXVerifier().verify(evidence, now: now, expectedReportData: binding) }
            }
            #expect(error.code == .reportDataMismatch)
            let actual = try DCAPQuote(bytes: evidence.report).body.reportData
            if c.isTDX { _ = try TDXVerifier().verify(evidence, now: now, expectedReportData: actual) }
            else { _ = try SGXVerifier().verify(evidence, now: now, expectedReportData: actual) }
        }
    }

    @Test("missing or mismatched collateral names what is wrong")
    func collateralProblems() throws {
        let cases = try DCAPVectors.verifiable()
        let tdx = try #require(cases.first { $0.isTDX })
        let sgx = try #require(cases.first { !$0.isTDX })
        var evidence = try DCAPVectors.evidence(tdx)
        evidence.collateral["tcb_info"] = nil
        let missing = try #require(throws: AttestationError.self) { try TDXVerifier().verify(evidence, now: tdx.now!) }
        #expect(missing.code == .collateral && missing.message.contains("tcb_info"), "\(missing)")

        // SGX collateral for a TDX quote: the PCK CRL is from the Processor CA, the PCK from the Platform CA.
        var swapped = try DCAPVectors.evidence(tdx)
        swapped.collateral = try DCAPVectors.evidence(sgx).collateral
        #expect(throws: AttestationError.self) { try TDXVerifier().verify(swapped, now: tdx.now!) }

        // Wrong kind of evidence for the verifier.
        let sgxEvidence = try DCAPVectors.evidence(sgx)
        let wrongKind = try #require(throws: AttestationError.self) {
            try TDXVerifier().verify(Evidence(kind: .tdx, report: sgxEvidence.report, collateral: sgxEvidence.collateral), now: sgx.now!)
        }
        #expect(wrongKind.code == .unsupportedKind)
    }

    @Test("TCB below every level of the TCB info is refused with the SVNs named")
    func tcbBelowMinimum() throws {
        let c = try #require(try DCAPVectors.cases().first { $0.path == "intel-tdx/dcap-qvl/tdx_quote_outdated" })
        let error = try #require(throws: AttestationError.self) { try TDXVerifier().verify(DCAPVectors.evidence(c), now: c.now!) }
        #expect(error.code == .tcb)
        #expect(error.message.contains("TEE_TCB_SVN 07010300000000000000000000000000"), "\(error)")
    }

    @Test("PCS response form of collateral (tcbInfo/enclaveIdentity + signature) verifies the same")
    func pcsResponseCollateral() throws {
        let c = try #require(try DCAPVectors.verifiable().first { $0.isTDX })
        var evidence = try DCAPVectors.evidence(c)
        let tcb = try DCAPCollateral(evidenceCollateral: evidence.collateral)
        evidence.collateral["tcb_info"] = Array(#"{"tcbInfo":"#.utf8) + tcb.tcbInfo.body
            + Array(#","signature":""#.utf8) + Array(LowercaseHex.encode(tcb.tcbInfo.signature).utf8) + Array(#""}"#.utf8)
        evidence.collateral["tcb_info_signature"] = nil
        evidence.collateral["qe_identity"] = Array(#"{"enclaveIdentity":"#.utf8) + tcb.qeIdentity.body
            + Array(#","signature":""#.utf8) + Array(LowercaseHex.encode(tcb.qeIdentity.signature).utf8) + Array(#""}"#.utf8)
        evidence.collateral["qe_identity_signature"] = nil
        evidence.collateral["pck_crl"] = LowercaseHex.decode(String(decoding: tcb.pckCRL, as: UTF8.self))  // DER
        let claims = try TDXVerifier().verify(evidence, now: c.now!)
        #expect(claims.tcbStatus == c.expectedStatus)
        // And go-tdx-guest's recorded PCS response parses into the same shape.
        let response = try DCAPVectors.bytes("intel-tdx/go-tdx-guest/sample_tcbInfo_response")
        let signed = try SignedCollateralJSON(pcsResponse: response, member: ["tcbInfo"], name: "tcb_info")
        let info = try TCBInfo(json: signed.body)
        #expect(info.id == "TDX" && info.version == 3 && info.fmspc == "50806f000000")
    }

    @Test("Intel's status convergence of platform and QE TCB")
    func convergence() {
        let platform = TCBVerdict(status: .configurationNeeded, advisoryIDs: ["INTEL-SA-1"])
        #expect(platform.converged(with: TCBVerdict(status: .upToDate)).status == .configurationNeeded)
        #expect(platform.converged(with: TCBVerdict(status: .outOfDate, advisoryIDs: ["INTEL-SA-2", "INTEL-SA-1"]))
            == TCBVerdict(status: .outOfDateConfigurationNeeded, advisoryIDs: ["INTEL-SA-1", "INTEL-SA-2"]))
        #expect(TCBVerdict(status: .swHardeningNeeded).converged(with: TCBVerdict(status: .outOfDate)).status == .outOfDate)
        #expect(TCBVerdict(status: .upToDate).converged(with: TCBVerdict(status: .revoked)).status == .revoked)
        #expect(TCBVerdict(status: .outOfDate).converged(with: TCBVerdict(status: .swHardeningNeeded)).status == .outOfDate)
    }
}
