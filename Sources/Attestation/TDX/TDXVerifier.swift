import Foundation
import Support

/// Verifies Intel TDX quotes (v4, v5 with TD 1.0 or 1.5 bodies) against caller-supplied PCS
/// collateral. Claims: measurement = MRTD; values carry the RTMRs, owner/config ids, SEAM
/// identity, attributes and the TCB outcome.
public struct TDXVerifier: EvidenceVerifier {
    public var kind: TEEKind { .tdx }
    public var dcap: DCAPQuoteVerifier

    public init(trustedRootDER: [UInt8] = IntelRoots.sgxRootCA) throws(AttestationError) {
        dcap = try DCAPQuoteVerifier(trustedRootDER: trustedRootDER)
    }

    public func verify(_ evidence: Evidence, now: Date) throws(AttestationError) -> AttestationClaims {
        let (td, verified) = try dcap.verify(
            evidence, as: .tdx, now: now, wrongBody: "quote body is an SGX enclave report, not a TD report") { $0.tdReport }
        return Self.claims(td: td, verified: verified)
    }

    static func claims(td: TDReport, verified: VerifiedDCAPQuote) -> AttestationClaims {
        var values: [String: String] = [
            "mrtd": LowercaseHex.encode(td.mrTD),
            "mrconfigid": LowercaseHex.encode(td.mrConfigID),
            "mrowner": LowercaseHex.encode(td.mrOwner),
            "mrownerconfig": LowercaseHex.encode(td.mrOwnerConfig),
            "mrseam": LowercaseHex.encode(td.mrSeam),
            "mrsignerseam": LowercaseHex.encode(td.mrSignerSeam),
            "seam_attributes": LowercaseHex.encode(td.seamAttributes),
            "td_attributes": LowercaseHex.encode(td.tdAttributes),
            "xfam": LowercaseHex.encode(td.xfam),
            "tee_tcb_svn": LowercaseHex.encode(td.teeTCBSVN),
            "quote_version": String(verified.quote.header.version),
        ]
        for (i, rtmr) in td.rtmr.enumerated() { values["rtmr\(i)"] = LowercaseHex.encode(rtmr) }
        if let svn2 = td.teeTCBSVN2 { values["tee_tcb_svn2"] = LowercaseHex.encode(svn2) }
        if let serviceTD = td.mrServiceTD { values["mrservicetd"] = LowercaseHex.encode(serviceTD) }
        values.merge(DCAPClaimValues.platform(verified)) { a, _ in a }
        return AttestationClaims(
            kind: .tdx, measurement: LowercaseHex.encode(td.mrTD), reportData: td.reportData, debug: td.debug, simulated: false,
            tcbStatus: verified.tcb.status.rawValue, advisoryIDs: verified.tcb.advisoryIDs, values: values)
    }
}
