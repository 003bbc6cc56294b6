import Support
/// Claim values every DCAP quote gives, whatever its body: the platform and its TCB outcome.
enum DCAPClaimValues {
    static func platform(_ verified: VerifiedDCAPQuote) -> [String: String] {
        [
            "fmspc": LowercaseHex.encode(verified.pck.fmspc),
            "pce_id": LowercaseHex.encode(verified.pck.pceID),
            "tcb.pce_svn": String(verified.pck.pceSVN),
            "tcb.qe_isv_svn": String(verified.quote.qeCertification.qeReport.isvSVN),
            "tcb_status": verified.tcb.status.rawValue,
            "platform_tcb_status": verified.platformTCB.status.rawValue,
            "qe_tcb_status": verified.qeTCB.status.rawValue,
            "tcb_evaluation_data_number": String(verified.tcbInfo.tcbEvaluationDataNumber),
        ]
    }
}
