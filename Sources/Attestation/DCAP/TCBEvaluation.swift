import Support
/// Finds the TCB status of a platform, its TDX module and its QE from the signed collateral,
/// following Intel's QVL (and dcap-qvl, which the vectors' expected verdicts come from).
public enum TCBEvaluation {
    /// The first TCB level (in Intel's canonical order, highest first) whose SGX component SVNs
    /// and PCESVN the PCK certificate meets — and, for TDX, whose TDX components TEE_TCB_SVN meets.
    public static func platform(tcbInfo: TCBInfo, pck: PCKExtension, tdReport: TDReport?) throws(AttestationError) -> TCBVerdict {
        guard let tcbFMSPC = LowercaseHex.decode(tcbInfo.fmspc), tcbFMSPC == pck.fmspc else {
            throw AttestationError(.collateral, "TCB info is for FMSPC \(tcbInfo.fmspc.uppercased()), the PCK certificate has \(LowercaseHex.encode(pck.fmspc).uppercased())")
        }
        guard let tcbPCEID = LowercaseHex.decode(tcbInfo.pceID), tcbPCEID == pck.pceID else {
            throw AttestationError(.collateral, "TCB info is for PCE id \(tcbInfo.pceID), the PCK certificate has \(LowercaseHex.encode(pck.pceID))")
        }
        if let tdReport {
            guard tcbInfo.id == "TDX", tcbInfo.version >= 3 else {
                throw AttestationError(.collateral, "TDX quote with \(tcbInfo.id) TCB info v\(tcbInfo.version); TDX needs TDX TCB info v3")
            }
            for level in canonicalOrder(tcbInfo) where matches(level, pck: pck) {
                guard level.tdxComponents.count == tdReport.teeTCBSVN.count else {
                    throw AttestationError(.collateral, "TCB info level has \(level.tdxComponents.count) TDX components, TEE_TCB_SVN has 16")
                }
                guard !zip(tdReport.teeTCBSVN, level.tdxComponents).contains(where: { Int($0) < $1 }) else { continue }
                let platform = TCBVerdict(status: level.tcbStatus, advisoryIDs: level.advisoryIDs)
                guard let module = try tdxModule(tcbInfo: tcbInfo, tdReport: tdReport) else { return platform }
                return platform.converged(with: module)
            }
            throw AttestationError(
                .tcb,
                "no matching TCB level found in TCB info (FMSPC \(tcbInfo.fmspc.uppercased())) for PCK TCB \(pck.tcbComponents.map(String.init).joined(separator: ".")) PCESVN \(pck.pceSVN) and TEE_TCB_SVN \(LowercaseHex.encode(tdReport.teeTCBSVN))")
        }
        guard tcbInfo.id == "SGX", tcbInfo.version >= 2 else {
            throw AttestationError(.collateral, "SGX quote with \(tcbInfo.id) TCB info v\(tcbInfo.version); SGX needs SGX TCB info v2 or v3")
        }
        for level in canonicalOrder(tcbInfo) where matches(level, pck: pck) {
            return TCBVerdict(status: level.tcbStatus, advisoryIDs: level.advisoryIDs)
        }
        throw AttestationError(
            .tcb,
            "no matching TCB level found in TCB info (FMSPC \(tcbInfo.fmspc.uppercased())) for PCK TCB \(pck.tcbComponents.map(String.init).joined(separator: ".")) PCESVN \(pck.pceSVN)")
    }

    static func matches(_ level: TCBInfo.TCBLevel, pck: PCKExtension) -> Bool {
        guard level.sgxComponents.count == pck.tcbComponents.count, pck.pceSVN >= level.pceSVN else { return false }
        return !zip(pck.tcbComponents, level.sgxComponents).contains { Int($0) < $1 }
    }

    /// Intel's QVL keeps levels in a set ordered by SGX components, then PCESVN, then (TDX) TDX
    /// components, highest first; the JSON order is not trusted.
    static func canonicalOrder(_ tcbInfo: TCBInfo) -> [TCBInfo.TCBLevel] {
        let tdx = tcbInfo.id == "TDX"
        return tcbInfo.tcbLevels.sorted { a, b in
            if a.sgxComponents != b.sgxComponents { return a.sgxComponents.lexicographicallyPrecedes(b.sgxComponents) == false }
            if a.pceSVN != b.pceSVN { return a.pceSVN > b.pceSVN }
            if tdx, a.tdxComponents != b.tdxComponents { return b.tdxComponents.lexicographicallyPrecedes(a.tdxComponents) }
            return false
        }
    }

    /// TDX module identity: MRSIGNERSEAM and SEAMATTRIBUTES must match the module the TCB info
    /// names (`TDX_<major>` for module major version TEE_TCB_SVN[1] > 0); that module's levels
    /// give a status from its ISVSVN TEE_TCB_SVN[0]. Nil when the TCB info gives no module status.
    static func tdxModule(tcbInfo: TCBInfo, tdReport: TDReport) throws(AttestationError) -> TCBVerdict? {
        guard let base = tcbInfo.tdxModule else {
            throw AttestationError(.collateral, "TDX TCB info has no tdxModule")
        }
        var mrsigner = base.mrsigner, attributes = base.attributes, mask = base.attributesMask
        var levels: [TCBInfo.ModuleTCBLevel]?
        let isvSVN = Int(tdReport.teeTCBSVN[0]), major = tdReport.teeTCBSVN[1]
        if major > 0, !tcbInfo.tdxModuleIdentities.isEmpty {
            let wanted = "TDX_" + (major < 16 ? "0" : "") + String(major, radix: 16, uppercase: true)
            guard let identity = tcbInfo.tdxModuleIdentities.first(where: { $0.id.uppercased() == wanted }) else {
                throw AttestationError(.tcb, "TCB info has no TDX module identity \(wanted)")
            }
            mrsigner = identity.mrsigner
            attributes = identity.attributes
            mask = identity.attributesMask
            levels = identity.tcbLevels
        }
        guard let expectedSigner = LowercaseHex.decode(mrsigner), expectedSigner.count == 48,
            let expectedAttributes = LowercaseHex.decode(attributes), expectedAttributes.count == 8,
            let attributesMask = LowercaseHex.decode(mask), attributesMask.count == 8
        else { throw AttestationError(.collateral, "TDX module identity fields are not hex of the right size") }
        guard tdReport.mrSignerSeam == expectedSigner else {
            throw AttestationError(.tcb, "TDX module MRSIGNERSEAM \(LowercaseHex.encode(tdReport.mrSignerSeam)) differs from the TCB info's \(LowercaseHex.encode(expectedSigner))")
        }
        for i in 0..<8 {
            let actual = tdReport.seamAttributes[i]
            guard actual & attributesMask[i] == expectedAttributes[i] & attributesMask[i], actual & ~attributesMask[i] == 0 else {
                throw AttestationError(.tcb, "TDX module SEAMATTRIBUTES \(LowercaseHex.encode(tdReport.seamAttributes)) differ from the TCB info's at byte \(i)")
            }
        }
        guard let levels else { return nil }
        guard let level = levels.first(where: { isvSVN >= $0.tcb.isvsvn }) else {
            throw AttestationError(.tcb, "TDX module ISVSVN \(isvSVN) is below every TCB level of TDX module identity")
        }
        return TCBVerdict(status: level.tcbStatus, advisoryIDs: level.advisoryIDs ?? [])
    }

    /// The QE report must be the QE the identity describes (MRSIGNER, ISVPRODID, masked
    /// MISCSELECT and ATTRIBUTES, not debug); its ISVSVN picks the QE TCB level.
    public static func qe(identity: QEIdentity, report: EnclaveReport, tdx: Bool) throws(AttestationError) -> TCBVerdict {
        let expectedID = tdx ? "TD_QE" : "QE"
        guard identity.id == expectedID, identity.version == 2 || (tdx && identity.version == 3) else {
            throw AttestationError(.collateral, "QE identity is \(identity.id) v\(identity.version), the quote needs \(expectedID)")
        }
        guard report.mrSigner == identity.mrsigner else {
            throw AttestationError(.untrustedSigner, "QE MRSIGNER \(LowercaseHex.encode(report.mrSigner)) differs from the QE identity's \(LowercaseHex.encode(identity.mrsigner))")
        }
        guard !report.debug else { throw AttestationError(.untrustedSigner, "QE report is from a debug enclave") }
        guard report.isvProdID == identity.isvprodid else {
            throw AttestationError(.untrustedSigner, "QE ISVPRODID \(report.isvProdID) differs from the QE identity's \(identity.isvprodid)")
        }
        let misc = UInt32(littleEndianBytes: identity.miscselect), miscMask = UInt32(littleEndianBytes: identity.miscselectMask)
        guard report.miscSelect & miscMask == misc & miscMask else {
            throw AttestationError(.untrustedSigner, "QE MISCSELECT differs from the QE identity under its mask")
        }
        for i in 0..<16 where report.attributes[i] & identity.attributesMask[i] != identity.attributes[i] & identity.attributesMask[i] {
            throw AttestationError(.untrustedSigner, "QE ATTRIBUTES differ from the QE identity under its mask at byte \(i)")
        }
        guard let level = identity.tcbLevels.first(where: { Int(report.isvSVN) >= $0.tcb.isvsvn }) else {
            throw AttestationError(.tcb, "QE ISVSVN \(report.isvSVN) is below every TCB level of the QE identity")
        }
        return TCBVerdict(status: level.tcbStatus, advisoryIDs: level.advisoryIDs ?? [])
    }
}

extension UInt32 {
    init(littleEndianBytes b: [UInt8]) {
        var value: UInt32 = 0
        for (i, byte) in b.prefix(4).enumerated() { value |= UInt32(byte) << (8 * UInt32(i)) }
        self = value
    }
}
