import Support
import Foundation
import Testing
@testable import Attestation

@Suite("DCAP quote parsing")
struct DCAPQuoteParsingTests {
    @Test("every DCAP vector parses to the expected header and body fields")
    func parsesEveryVector() throws {
        let cases = try DCAPVectors.cases()
        #expect(cases.count >= 11)
        for c in cases {
            let bytes = try DCAPVectors.bytes(c.path)
            #expect(bytes.count == c.size, "\(c.path)")
            let quote = try DCAPQuote(bytes: bytes)
            #expect(Int(quote.header.version) == c.header["version"] as? Int, "\(c.path)")
            #expect(Int(quote.header.teeType) == c.header["tee_type"] as? Int, "\(c.path)")
            #expect(Int(quote.header.qeSVN) == c.header["qe_svn"] as? Int, "\(c.path)")
            #expect(Int(quote.header.pceSVN) == c.header["pce_svn"] as? Int, "\(c.path)")
            #expect(Int(quote.header.attestationKeyType) == c.header["attestation_key_type"] as? Int, "\(c.path)")
            #expect(LowercaseHex.encode(quote.header.qeVendorID) == c.header["qe_vendor_id"] as? String, "\(c.path)")
            #expect(LowercaseHex.encode(quote.header.userData) == c.header["user_data"] as? String, "\(c.path)")
            #expect(quote.isTDX == c.isTDX, "\(c.path)")
            var fields: [String: String] = [:]
            switch quote.body {
            case .sgxEnclave(let r):
                fields = [
                    "attributes": LowercaseHex.encode(r.attributes), "cpu_svn": LowercaseHex.encode(r.cpuSVN), "mr_enclave": LowercaseHex.encode(r.mrEnclave),
                    "mr_signer": LowercaseHex.encode(r.mrSigner), "report_data": LowercaseHex.encode(r.reportData),
                ]
            case .td10(let r), .td15(let r):
                fields = [
                    "mr_config_id": LowercaseHex.encode(r.mrConfigID), "mr_owner": LowercaseHex.encode(r.mrOwner), "mr_owner_config": LowercaseHex.encode(r.mrOwnerConfig),
                    "mr_seam": LowercaseHex.encode(r.mrSeam), "mr_signer_seam": LowercaseHex.encode(r.mrSignerSeam), "mr_td": LowercaseHex.encode(r.mrTD),
                    "report_data": LowercaseHex.encode(r.reportData), "rt_mr0": LowercaseHex.encode(r.rtmr[0]), "rt_mr1": LowercaseHex.encode(r.rtmr[1]),
                    "rt_mr2": LowercaseHex.encode(r.rtmr[2]), "rt_mr3": LowercaseHex.encode(r.rtmr[3]), "seam_attributes": LowercaseHex.encode(r.seamAttributes),
                    "td_attributes": LowercaseHex.encode(r.tdAttributes), "tee_tcb_svn": LowercaseHex.encode(r.teeTCBSVN), "xfam": LowercaseHex.encode(r.xfam),
                ]
                if let svn2 = r.teeTCBSVN2 { fields["tee_tcb_svn2"] = LowercaseHex.encode(svn2) }
                if let service = r.mrServiceTD { fields["mr_service_td"] = LowercaseHex.encode(service) }
            }
            #expect(fields == c.report, "\(c.path)")
            // The PCK certificate inside the quote names the expected FMSPC.
            #expect(quote.qeCertification.certificationDataType == QECertificationData.typePCKCertChain, "\(c.path)")
            let chain = try IntelCertificateChain(pem: quote.qeCertification.certificationData, leafName: "PCK certificate")
            let pck = try PCKExtension(certificate: chain.leaf)
            #expect(LowercaseHex.encode(pck.fmspc).uppercased() == c.fmspc, "\(c.path)")
        }
    }

    @Test("v5 quotes carry TD 1.5 bodies, v4 TD 1.0, v3 SGX")
    func bodyKinds() throws {
        for c in try DCAPVectors.cases() {
            let quote = try DCAPQuote(bytes: DCAPVectors.bytes(c.path))
            switch (quote.header.version, quote.body) {
            case (5, .td15), (4, .td10), (3, .sgxEnclave): break
            default: Issue.record("\(c.path): unexpected body for v\(quote.header.version)")
            }
        }
    }

    @Test("trustee's TDX claims: debug bit from TDATTRIBUTES")
    func debugBit() throws {
        let debugQuote = try DCAPQuote(bytes: DCAPVectors.bytes("intel-tdx/trustee/tdx_quote_4.dat"))
        #expect(debugQuote.body.tdReport?.debug == true)  // td_attributes 01000010…
        let production = try DCAPQuote(bytes: DCAPVectors.bytes("intel-tdx/dcap-qvl/tdx_quote"))
        #expect(production.body.tdReport?.debug == false)
        let occlum = try DCAPQuote(bytes: DCAPVectors.bytes("intel-sgx/trustee/occlum_quote.dat"))
        #expect(occlum.body.enclaveReport?.debug == true)  // attributes 07…: DEBUG set
    }

    @Test("truncation at every offset is a malformed-evidence error, never a crash")
    func truncationAtEveryOffset() throws {
        for c in try DCAPVectors.cases() {
            let bytes = try DCAPVectors.bytes(c.path)
            let full = try DCAPQuote(bytes: bytes)
            // Bytes past the declared signature data are padding; cut only inside the quote proper.
            let s = full.signedBytes.count
            let signatureDataLength = Int(bytes[s]) | Int(bytes[s + 1]) << 8 | Int(bytes[s + 2]) << 16 | Int(bytes[s + 3]) << 24
            let end = s + 4 + signatureDataLength
            for length in 0..<min(end, bytes.count) {
                do {
                    _ = try DCAPQuote(bytes: Array(bytes[0..<length]))
                    Issue.record("\(c.path) truncated to \(length) bytes parsed")
                } catch {
                    #expect(error.code == .malformedEvidence, "\(c.path) at \(length): \(error)")
                    #expect(error.message.contains("offset"), "\(c.path) at \(length): \(error)")
                }
            }
        }
    }

    @Test("random bytes and random mutations never crash the parsers")
    func randomInput() throws {
        var rng = SplitMix64(seed: 0x5eed_dca9)
        for _ in 0..<400 {
            let count = Int(rng.next() % 6000)
            let noise = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            _ = try? DCAPQuote(bytes: noise)
            _ = try? CertificateRevocationList(bytes: noise, name: "noise")
            _ = try? PCKExtension(der: noise)
            _ = try? IntelCertificateChain(pem: noise, leafName: "noise")
            _ = try? JSONMemberSpans.topLevel(noise, name: "noise")
        }
        // Mutating valid inputs reaches deeper than noise: lengths, types, DER tags.
        let quote = try DCAPVectors.bytes("intel-tdx/dcap-qvl/tdx_quote")
        let collateral = try DCAPCollateral(dcapQVLJSON: DCAPVectors.bytes("intel-tdx/dcap-qvl/tdx_quote_collateral.json"))
        let pckDER = try IntelCertificateChain(pem: DCAPQuote(bytes: quote).qeCertification.certificationData, leafName: "PCK")
            .leaf.extensions[oid: PCKExtension.oid].map { Array($0.value) } ?? []
        let crl = try #require(LowercaseHex.decode(String(decoding: collateral.pckCRL, as: UTF8.self)))
        for _ in 0..<800 {
            for var input in [quote, pckDER, crl, collateral.tcbInfo.body] {
                for _ in 0..<(1 + rng.next() % 4) {
                    let at = Int(rng.next() % UInt64(input.count))
                    input[at] = UInt8(truncatingIfNeeded: rng.next())
                }
                _ = try? DCAPQuote(bytes: input)
                _ = try? PCKExtension(der: input)
                _ = try? CertificateRevocationList(bytes: input, name: "mutated")
                _ = try? TCBInfo(json: input)
                _ = try? JSONMemberSpans.topLevel(input, name: "mutated")
            }
        }
    }

    @Test("PCK SGX extension: TCB components, PCESVN, CPUSVN, PCE id, FMSPC")
    func pckExtension() throws {
        let quote = try DCAPQuote(bytes: DCAPVectors.bytes("intel-sgx/dcap-qvl/sgx_quote"))
        let chain = try IntelCertificateChain(pem: quote.qeCertification.certificationData, leafName: "PCK certificate")
        let pck = try PCKExtension(certificate: chain.leaf)
        #expect(pck.fmspc == LowercaseHex.decode("00a067110000"))
        #expect(pck.pceID == [0, 0])
        #expect(pck.tcbComponents == pck.cpuSVN)  // Intel issues PCKs with comp SVNs = CPUSVN bytes
        // The PCK is issued for a certified TCB at or below the running PCE (13 ≤ 15 here).
        #expect(pck.pceSVN <= quote.header.pceSVN)
        #expect(pck.ppid.count == 16)
        #expect(pck.sgxType == .standard || pck.sgxType == .scalable)
    }

    @Test("truncated PCK extension and CRL DER give errors naming the structure")
    func truncatedDER() throws {
        let quote = try DCAPQuote(bytes: DCAPVectors.bytes("intel-tdx/dcap-qvl/tdx_quote"))
        let chain = try IntelCertificateChain(pem: quote.qeCertification.certificationData, leafName: "PCK certificate")
        let der = try #require(chain.leaf.extensions[oid: PCKExtension.oid]).value
        for length in 0..<der.count {
            #expect(throws: AttestationError.self) { try PCKExtension(der: Array(der.prefix(length))) }
        }
        let collateral = try DCAPCollateral(dcapQVLJSON: DCAPVectors.bytes("intel-tdx/dcap-qvl/tdx_quote_collateral.json"))
        let crl = try #require(LowercaseHex.decode(String(decoding: collateral.rootCACRL, as: UTF8.self)))
        for length in 0..<crl.count {
            #expect(throws: AttestationError.self) { try CertificateRevocationList(bytes: Array(crl.prefix(length)), name: "root CA CRL") }
        }
    }
}

/// Deterministic generator so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
