import Crypto

/// The report Azure's paravisor (HCL) returns from the vTPM NV index 0x01400001: a 32-byte
/// header ("HCLA", version, report size, request type, status), the hardware report in a
/// 1184-byte area at 0x20 (an SNP ATTESTATION_REPORT, or a TDX TDREPORT padded), and at 0x4C0
/// the runtime data: data_size, version, report_type (2 SNP, 4 TDX), hash_type (1 SHA-256,
/// 2 SHA-384, 3 SHA-512), variable_data_size, then the runtime-claims JSON. The hardware
/// report's report data starts with hash_type(runtime-claims JSON): that binds the JSON (and
/// the attestation key in it) to the hardware-signed report.
public struct HCLReport: Sendable, Hashable {
    public enum HardwareReport: Sendable, Hashable {
        case snp(SNPReport)
        case tdx(TDXReportStruct)
    }

    public let version: UInt32
    public let reportSize: UInt32
    public let requestType: UInt32
    public let hardwareReport: HardwareReport
    public let runtimeDataVersion: UInt32
    public let hashType: UInt32
    /// The runtime-claims JSON exactly as hashed.
    public let runtimeClaimsJSON: [UInt8]

    static let hardwareReportOffset = 0x20
    static let runtimeDataOffset = 0x4C0

    public init(bytes: [UInt8]) throws(AttestationError) {
        let r = EvidenceReader(bytes, context: "HCL report")
        let magic = try r.bytes(at: 0, 4, "signature")
        guard magic == Array("HCLA".utf8) else {
            throw AttestationError(.malformedEvidence, "HCL report signature at offset 0x0 is not \"HCLA\"")
        }
        version = try r.u32(at: 0x04, "version")
        reportSize = try r.u32(at: 0x08, "report_size")
        requestType = try r.u32(at: 0x0C, "request_type")
        let dataSize = try r.u32(at: 0x4C0, "runtime data_size")
        runtimeDataVersion = try r.u32(at: 0x4C4, "runtime version")
        let reportType = try r.u32(at: 0x4C8, "runtime report_type")
        hashType = try r.u32(at: 0x4CC, "runtime hash_type")
        let variableSize = try r.u32(at: 0x4D0, "runtime variable_data_size")
        guard Int(variableSize) <= Int(dataSize) else {
            throw AttestationError(.malformedEvidence, "HCL report variable_data_size \(variableSize) exceeds data_size \(dataSize) at offset 0x4c0")
        }
        runtimeClaimsJSON = try r.bytes(at: 0x4D4, Int(variableSize), "runtime claims")
        switch reportType {
        case 2:
            hardwareReport = .snp(try SNPReport(bytes: try r.bytes(at: Self.hardwareReportOffset, SNPReport.size, "SNP report")))
        case 4:
            hardwareReport = .tdx(try TDXReportStruct(bytes: try r.bytes(at: Self.hardwareReportOffset, TDXReportStruct.size, "TDREPORT")))
        default:
            throw AttestationError(.malformedEvidence, "HCL runtime report_type \(reportType) at offset 0x4c8 is neither SNP (2) nor TDX (4)")
        }
    }

    /// The hardware report's 64 report-data bytes.
    public var hardwareReportData: [UInt8] {
        switch hardwareReport {
        case .snp(let report): return report.reportData
        case .tdx(let report): return report.reportData
        }
    }

    /// Checks the hardware report's report data starts with the hash of the runtime claims.
    public func checkRuntimeClaimsBinding() throws(AttestationError) {
        let digest: [UInt8]
        switch hashType {
        case 1: digest = Array(SHA256.hash(data: runtimeClaimsJSON))
        case 2: digest = Array(SHA384.hash(data: runtimeClaimsJSON))
        case 3: digest = Array(SHA512.hash(data: runtimeClaimsJSON))
        default:
            throw AttestationError(.malformedEvidence, "HCL runtime hash_type \(hashType) at offset 0x4cc is unknown")
        }
        guard Array(hardwareReportData.prefix(digest.count)) == digest else {
            throw AttestationError(.reportDataMismatch, "hash of the HCL runtime claims differs from the hardware report's report data")
        }
    }
}

/// A TDX TDREPORT (Intel TDX module ABI, TDREPORT_STRUCT, 1024 bytes): REPORTMACSTRUCT (256),
/// TEE_TCB_INFO (239 + 17 reserved), TDINFO (512). It is MAC'd for the local platform only, so
/// it is trusted through the TD quote whose body must carry the same values.
public struct TDXReportStruct: Sendable, Hashable {
    public static let size = 1024
    public let bytes: [UInt8]
    public let reportType: UInt8
    public let reportData: [UInt8]
    public let tdAttributes: [UInt8]
    public let xfam: [UInt8]
    public let mrTD: [UInt8]
    public let mrConfigID: [UInt8]
    public let mrOwner: [UInt8]
    public let mrOwnerConfig: [UInt8]
    public let rtmrs: [[UInt8]]

    public init(bytes: [UInt8]) throws(AttestationError) {
        let r = EvidenceReader(bytes, context: "TDREPORT")
        guard bytes.count == Self.size else {
            throw AttestationError(.malformedEvidence, "TDREPORT has \(bytes.count) bytes, expected \(Self.size)")
        }
        self.bytes = bytes
        reportType = try r.u8(at: 0, "report_type")
        guard reportType == 0x81 else {
            throw AttestationError(.malformedEvidence, "TDREPORT report_type 0x\(String(reportType, radix: 16)) at offset 0x0 is not TDX (0x81)")
        }
        reportData = try r.bytes(at: 128, 64, "reportdata")
        tdAttributes = try r.bytes(at: 512, 8, "attributes")
        xfam = try r.bytes(at: 520, 8, "xfam")
        mrTD = try r.bytes(at: 528, 48, "mrtd")
        mrConfigID = try r.bytes(at: 576, 48, "mrconfigid")
        mrOwner = try r.bytes(at: 624, 48, "mrowner")
        mrOwnerConfig = try r.bytes(at: 672, 48, "mrownerconfig")
        var rtmrs: [[UInt8]] = []
        for i in 0..<4 { rtmrs.append(try r.bytes(at: 720 + 48 * i, 48, "rtmr\(i)")) }
        self.rtmrs = rtmrs
    }
}
