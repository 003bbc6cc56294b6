/// The 48-byte header every DCAP quote starts with (Intel DCAP Quote Library API, quote format
/// v3 for SGX, v4/v5 for TDX and SGX): the version says how the body and signature are laid out.
public struct QuoteHeader: Sendable, Equatable {
    public static let size = 48
    /// `tee_type` values: SGX enclaves and TDX trust domains.
    public static let teeTypeSGX: UInt32 = 0x0000_0000
    public static let teeTypeTDX: UInt32 = 0x0000_0081
    /// The only attestation key type DCAP defines today.
    public static let attestationKeyECDSAP256: UInt16 = 2
    /// Intel's QE vendor id; another vendor's QE is not covered by Intel collateral.
    public static let intelQEVendorID: [UInt8] = [
        0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9, 0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07,
    ]

    public var version: UInt16
    public var attestationKeyType: UInt16
    /// v4/v5: 0 SGX, 0x81 TDX. v3: reserved (zero), always SGX.
    public var teeType: UInt32
    /// v3 carries the QE and PCE SVNs here; v4/v5 keep the fields reserved.
    public var qeSVN: UInt16
    public var pceSVN: UInt16
    public var qeVendorID: [UInt8]
    /// First 16 bytes: the platform's QE id; rest reserved.
    public var userData: [UInt8]

    public var isTDX: Bool { teeType == Self.teeTypeTDX }

    init(reading reader: inout EvidenceReader) throws(AttestationError) {
        version = try reader.u16("header.version")
        attestationKeyType = try reader.u16("header.attestation_key_type")
        teeType = try reader.u32("header.tee_type")
        qeSVN = try reader.u16("header.qe_svn")
        pceSVN = try reader.u16("header.pce_svn")
        qeVendorID = try reader.read(16, "header.qe_vendor_id")
        userData = try reader.read(20, "header.user_data")
    }
}
