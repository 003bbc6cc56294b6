/// A TDX quote body: TD report 1.0 (584 bytes, quote v4 and v5 body type 2) or 1.5 (648 bytes,
/// v5 body type 3, adding TEE_TCB_SVN2 and MRSERVICETD). Intel TDX DCAP Quote Generation
/// Library, "TD Quote Body".
public struct TDReport: Sendable, Equatable {
    public static let size10 = 584
    public static let size15 = 648

    /// TDX module SVNs: [0] module ISVSVN, [1] module major version, rest per tcbInfo.
    public var teeTCBSVN: [UInt8]
    public var mrSeam: [UInt8]
    public var mrSignerSeam: [UInt8]
    public var seamAttributes: [UInt8]
    public var tdAttributes: [UInt8]
    public var xfam: [UInt8]
    public var mrTD: [UInt8]
    public var mrConfigID: [UInt8]
    public var mrOwner: [UInt8]
    public var mrOwnerConfig: [UInt8]
    /// RTMR0…RTMR3, 48 bytes each.
    public var rtmr: [[UInt8]]
    public var reportData: [UInt8]
    /// TD 1.5 only.
    public var teeTCBSVN2: [UInt8]?
    public var mrServiceTD: [UInt8]?

    /// TDATTRIBUTES bit 0 (TUD.DEBUG): the host VMM can read and change TD state.
    public var debug: Bool { tdAttributes[0] & 0x01 != 0 }
    public var isTD15: Bool { teeTCBSVN2 != nil }

    init(reading reader: inout EvidenceReader, td15: Bool) throws(AttestationError) {
        teeTCBSVN = try reader.read(16, "td.tee_tcb_svn")
        mrSeam = try reader.read(48, "td.mr_seam")
        mrSignerSeam = try reader.read(48, "td.mr_signer_seam")
        seamAttributes = try reader.read(8, "td.seam_attributes")
        tdAttributes = try reader.read(8, "td.td_attributes")
        xfam = try reader.read(8, "td.xfam")
        mrTD = try reader.read(48, "td.mr_td")
        mrConfigID = try reader.read(48, "td.mr_config_id")
        mrOwner = try reader.read(48, "td.mr_owner")
        mrOwnerConfig = try reader.read(48, "td.mr_owner_config")
        var rtmr: [[UInt8]] = []
        for i in 0..<4 { rtmr.append(try reader.read(48, "td.rtmr\(i)")) }
        self.rtmr = rtmr
        reportData = try reader.read(64, "td.report_data")
        if td15 {
            teeTCBSVN2 = try reader.read(16, "td.tee_tcb_svn2")
            mrServiceTD = try reader.read(48, "td.mr_service_td")
        }
    }
}
