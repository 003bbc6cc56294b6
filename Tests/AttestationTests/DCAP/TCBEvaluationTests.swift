import Foundation
import Testing
@testable import Attestation

/// TCB level matching on hand-written tcbInfo documents (signatures are covered by the vector
/// tests; these pin the matching rules): v2 layout, Intel's canonical order, each status.
@Suite("DCAP TCB evaluation")
struct TCBEvaluationTests {
    /// The PCK extension of the recorded SGX quote: components 11.11.26.24.255.255.4.0… PCESVN 13.
    func pck() throws -> PCKExtension {
        let quote = try DCAPQuote(bytes: DCAPVectors.bytes("intel-sgx/dcap-qvl/sgx_quote"))
        let chain = try IntelCertificateChain(pem: quote.qeCertification.certificationData, leafName: "PCK certificate")
        return try PCKExtension(certificate: chain.leaf)
    }

    func v2Level(_ components: [Int], pce: Int, status: String, advisories: [String] = []) -> String {
        let comps = components.enumerated().map { String(format: "\"sgxtcbcomp%02dsvn\":%d", $0.offset + 1, $0.element) }
        let ids = advisories.isEmpty ? "" : ",\"advisoryIDs\":[" + advisories.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        return "{\"tcb\":{\(comps.joined(separator: ",")),\"pcesvn\":\(pce)},\"tcbDate\":\"2024-01-01T00:00:00Z\",\"tcbStatus\":\"\(status)\"\(ids)}"
    }

    func v2Info(_ levels: [String], fmspc: String = "00A067110000") throws -> TCBInfo {
        let json = """
            {"version":2,"issueDate":"2025-06-19T10:56:11Z","nextUpdate":"2025-07-19T10:56:11Z","fmspc":"\(fmspc)",\
            "pceId":"0000","tcbType":0,"tcbEvaluationDataNumber":17,"tcbLevels":[\(levels.joined(separator: ","))]}
            """
        return try TCBInfo(json: Array(json.utf8))
    }

    @Test("v2 tcbInfo: levels in any JSON order, the highest one the platform meets wins")
    func v2CanonicalOrder() throws {
        let pck = try pck()
        let platform = pck.tcbComponents.map(Int.init)
        var higher = platform
        higher[0] += 1
        var lower = platform
        lower[2] -= 1
        let info = try v2Info([
            v2Level(lower, pce: 13, status: "OutOfDate", advisories: ["INTEL-SA-00001"]),
            v2Level(higher, pce: 13, status: "UpToDate"),
            v2Level(platform, pce: 13, status: "SWHardeningNeeded", advisories: ["INTEL-SA-00615"]),
        ])
        #expect(info.id == "SGX" && info.tcbLevels.count == 3)
        let verdict = try TCBEvaluation.platform(tcbInfo: info, pck: pck, tdReport: nil)
        #expect(verdict == TCBVerdict(status: .swHardeningNeeded, advisoryIDs: ["INTEL-SA-00615"]))
    }

    @Test("PCESVN below the level's skips it")
    func pceSVNGate() throws {
        let pck = try pck()
        let platform = pck.tcbComponents.map(Int.init)
        let info = try v2Info([
            v2Level(platform, pce: Int(pck.pceSVN) + 1, status: "UpToDate"),
            v2Level(platform, pce: Int(pck.pceSVN), status: "OutOfDateConfigurationNeeded"),
        ])
        #expect(try TCBEvaluation.platform(tcbInfo: info, pck: pck, tdReport: nil).status == .outOfDateConfigurationNeeded)
    }

    @Test("every status string decodes; a platform below every level is refused")
    func statusesAndBelowMinimum() throws {
        let pck = try pck()
        var above = pck.tcbComponents.map(Int.init)
        above[15] += 1
        for status in TCBStatus.allCases {
            let info = try v2Info([v2Level(pck.tcbComponents.map(Int.init), pce: 0, status: status.rawValue)])
            #expect(try TCBEvaluation.platform(tcbInfo: info, pck: pck, tdReport: nil).status == status)
        }
        let info = try v2Info([v2Level(above, pce: 0, status: "UpToDate")])
        let error = try #require(throws: AttestationError.self) { try TCBEvaluation.platform(tcbInfo: info, pck: pck, tdReport: nil) }
        #expect(error.code == .tcb && error.message.contains("no matching TCB level found"))
    }

    @Test("TCB info for another FMSPC is refused as wrong collateral")
    func otherFMSPC() throws {
        let pck = try pck()
        let info = try v2Info([v2Level(pck.tcbComponents.map(Int.init), pce: 0, status: "UpToDate")], fmspc: "00906ED50000")
        let error = try #require(throws: AttestationError.self) { try TCBEvaluation.platform(tcbInfo: info, pck: pck, tdReport: nil) }
        #expect(error.code == .collateral && error.message.contains("00906ED50000"))
    }

    @Test("an unknown status or a missing field names the JSON path")
    func badJSON() throws {
        let bad = #"{"version":2,"issueDate":"2025-06-19T10:56:11Z","nextUpdate":"2025-07-19T10:56:11Z","fmspc":"00","pceId":"0000","tcbLevels":[{"tcb":{"pcesvn":1},"tcbStatus":"Fine"}]}"#
        let error = try #require(throws: AttestationError.self) { try TCBInfo(json: Array(bad.utf8)) }
        #expect(error.code == .collateral && error.message.contains("tcbLevels"), "\(error)")
    }

    @Test("TDX: the recorded TD 1.0 quote meets its tcbInfo level and TDX module identity")
    func tdxModule() throws {
        let c = try #require(try DCAPVectors.verifiable().first { $0.isTDX })
        let collateral = try DCAPCollateral(dcapQVLJSON: DCAPVectors.bytes(try #require(c.collateral)))
        let info = try TCBInfo(json: collateral.tcbInfo.body)
        let quote = try DCAPQuote(bytes: DCAPVectors.bytes(c.path))
        let td = try #require(quote.body.tdReport)
        let pck = try PCKExtension(certificate: IntelCertificateChain(pem: quote.qeCertification.certificationData, leafName: "PCK").leaf)
        #expect(try TCBEvaluation.platform(tcbInfo: info, pck: pck, tdReport: td).status == .upToDate)
        // A TD whose SEAM signer is not the module's is refused.
        var forged = td
        forged.mrSignerSeam[0] ^= 1
        let error = try #require(throws: AttestationError.self) { try TCBEvaluation.platform(tcbInfo: info, pck: pck, tdReport: forged) }
        #expect(error.code == .tcb && error.message.contains("MRSIGNERSEAM"))
    }
}
