/// The QE's part of the quote signature data: the QE report (signed by the PCK key), its
/// authentication data, and how to find the PCK certificate (type 5: PEM chain inline).
public struct QECertificationData: Sendable, Equatable {
    /// Certification data types (DCAP Quote Library, "Certification Data Type").
    public static let typePCKCertChain: UInt16 = 5
    public static let typeQEReportCertificationData: UInt16 = 6

    public var qeReport: EnclaveReport
    /// Raw r ‖ s, 64 bytes, big-endian.
    public var qeReportSignature: [UInt8]
    public var qeAuthData: [UInt8]
    public var certificationDataType: UInt16
    public var certificationData: [UInt8]

    /// Layout shared by v3 (inline after the attestation key) and the v4/v5 type-6 wrapper.
    init(reading reader: inout EvidenceReader) throws(AttestationError) {
        qeReport = try EnclaveReport(reading: &reader)
        qeReportSignature = try reader.read(64, "qe_report_signature")
        let authLength = try reader.u16("qe_auth_data.size")
        qeAuthData = try reader.read(Int(authLength), "qe_auth_data")
        certificationDataType = try reader.u16("certification_data.type")
        let size = try reader.u32("certification_data.size")
        certificationData = try reader.sized(size, "certification_data")
    }
}
