/// The few fields of an AMD SEV-SNP ATTESTATION_REPORT (SEV-SNP ABI spec, Table 22/23) that
/// show which workload and which report data a report carries. Reading, not verification:
/// signature, certificate chain and TCB checks belong to the SNP verifier.
public struct SNPReportFields: Sendable, Equatable {
    /// The report is 0x4A0 bytes: 0x2A0 signed bytes then the signature.
    public static let byteCount = 0x4A0

    public var version: UInt32
    /// Guest policy (offset 0x08).
    public var policy: UInt64
    /// REPORT_DATA, offset 0x50, 64 bytes.
    public var reportData: [UInt8]
    /// MEASUREMENT, offset 0x90, 48 bytes (launch digest).
    public var measurement: [UInt8]
    /// HOST_DATA, offset 0xC0, 32 bytes.
    public var hostData: [UInt8]

    public init(report: [UInt8]) throws(AttestationError) {
        guard report.count == Self.byteCount else {
            throw AttestationError(.malformedEvidence, "SEV-SNP report: \(report.count) bytes, expected \(Self.byteCount)")
        }
        let r = EvidenceReader(report, context: "SEV-SNP report")
        version = try r.u32(at: 0x00, "VERSION")
        guard version >= 2 else {
            throw AttestationError(.malformedEvidence, "SEV-SNP report: field VERSION at offset 0x0 is \(version), expected 2 or later")
        }
        policy = try r.u64(at: 0x08, "POLICY")
        reportData = try r.bytes(at: 0x50, 64, "REPORT_DATA")
        measurement = try r.bytes(at: 0x90, 48, "MEASUREMENT")
        hostData = try r.bytes(at: 0xC0, 32, "HOST_DATA")
    }
}
