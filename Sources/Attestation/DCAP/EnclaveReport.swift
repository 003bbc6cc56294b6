/// An SGX REPORT body (SGX SDM `REPORTBODY`, 384 bytes): the ISV enclave in SGX quotes and the
/// Quoting Enclave's own report inside every DCAP quote's certification data.
public struct EnclaveReport: Sendable, Equatable {
    public static let size = 384

    public var cpuSVN: [UInt8]
    public var miscSelect: UInt32
    /// 16 bytes: flags (u64) then XFRM (u64); flags bit 1 is DEBUG.
    public var attributes: [UInt8]
    public var mrEnclave: [UInt8]
    public var mrSigner: [UInt8]
    /// SGX2 KSS config id (64 bytes inside reserved3); zero when KSS is unused.
    public var configID: [UInt8]
    public var isvProdID: UInt16
    public var isvSVN: UInt16
    public var configSVN: UInt16
    public var isvFamilyID: [UInt8]
    public var reportData: [UInt8]
    /// The exact 384 bytes, because the QE report signature covers them verbatim.
    public var raw: [UInt8]

    /// Debuggable enclaves can be read by the host: attributes.flags bit 1.
    public var debug: Bool { attributes[0] & 0x02 != 0 }

    public init(bytes: [UInt8], context: String = "SGX report") throws(AttestationError) {
        var reader = EvidenceReader(bytes, context: context)
        try self.init(reading: &reader)
    }

    init(reading reader: inout EvidenceReader) throws(AttestationError) {
        let start = reader.offset
        cpuSVN = try reader.read(16, "cpu_svn")
        miscSelect = try reader.u32("misc_select")
        _ = try reader.read(12, "reserved1")
        _ = try reader.read(16, "isv_ext_prod_id")
        attributes = try reader.read(16, "attributes")
        mrEnclave = try reader.read(32, "mr_enclave")
        _ = try reader.read(32, "reserved2")
        mrSigner = try reader.read(32, "mr_signer")
        _ = try reader.read(32, "reserved3")
        configID = try reader.read(64, "config_id")
        isvProdID = try reader.u16("isv_prod_id")
        isvSVN = try reader.u16("isv_svn")
        configSVN = try reader.u16("config_svn")
        _ = try reader.read(42, "reserved4")
        isvFamilyID = try reader.read(16, "isv_family_id")
        reportData = try reader.read(64, "report_data")
        raw = Array(reader.bytes[start..<reader.offset])
    }
}
