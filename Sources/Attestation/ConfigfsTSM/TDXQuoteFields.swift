/// The few fields of an Intel TDX DCAP quote (v4: TD 1.0 report body; v5: body type 2 = TD 1.0
/// or 3 = TD 1.5) that show which TD and which report data a quote carries. Reading, not
/// verification: the quote signature, PCK chain and TCB belong to the TDX verifier.
public struct TDXQuoteFields: Sendable, Equatable {
    public var version: UInt16
    /// MRTD: the TD's build-time measurement, 48 bytes.
    public var mrTD: [UInt8]
    /// RTMR0…3, 48 bytes each.
    public var rtmrs: [[UInt8]]
    /// REPORTDATA, 64 bytes.
    public var reportData: [UInt8]

    /// The 48-byte quote header; its TEE type 0x81 marks TDX.
    static let headerByteCount = 48
    static let tdxTEEType: UInt32 = 0x81
    /// Offsets inside the TD report body (TEE_TCB_SVN 16, MRSEAM 48, MRSIGNERSEAM 48,
    /// SEAMATTRIBUTES 8, TDATTRIBUTES 8, XFAM 8, then MRTD).
    static let mrTDOffset = 136
    static let rtmr0Offset = 136 + 48 * 4
    static let reportDataOffset = 136 + 48 * 8
    static let td10BodyByteCount = 584

    public init(quote: [UInt8]) throws(AttestationError) {
        let r = EvidenceReader(quote, context: "TDX quote")
        version = try r.u16(at: 0, "version")
        let teeType = try r.u32(at: 4, "tee_type")
        guard teeType == Self.tdxTEEType else {
            throw AttestationError(
                .malformedEvidence, "TDX quote: field tee_type at offset 4 is 0x\(String(teeType, radix: 16)), expected 0x81")
        }
        let body: Int
        switch version {
        case 4:
            body = Self.headerByteCount
        case 5:
            // v5 inserts a body descriptor: type u16 (2 = TD 1.0, 3 = TD 1.5) and size u32.
            let bodyType = try r.u16(at: 48, "body_type")
            guard bodyType == 2 || bodyType == 3 else {
                throw AttestationError(
                    .malformedEvidence, "TDX quote: field body_type at offset 48 is \(bodyType), expected 2 or 3")
            }
            body = Self.headerByteCount + 6
        default:
            throw AttestationError(.malformedEvidence, "TDX quote: field version at offset 0 is \(version), expected 4 or 5")
        }
        mrTD = try r.bytes(at: body + Self.mrTDOffset, 48, "MRTD")
        var rtmrs: [[UInt8]] = []
        for i in 0..<4 {
            rtmrs.append(try r.bytes(at: body + Self.rtmr0Offset + 48 * i, 48, "RTMR\(i)"))
        }
        self.rtmrs = rtmrs
        reportData = try r.bytes(at: body + Self.reportDataOffset, 64, "REPORTDATA")
    }
}
