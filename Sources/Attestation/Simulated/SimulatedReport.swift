/// The simulated TEE's report (docs/design/cas.md "Simulated TEE"): 240 bytes, little-endian.
///
/// ```
/// offset size field
///      0    8 magic "SRSIMRPT"
///      8    4 version (1)
///     12    4 flags (bit 0: debug)
///     16   48 measurement = SHA-384 of the workload's executable
///     64   64 report_data
///    128   32 node_key_id = SHA-256(node public key)
///    160    8 issued_at (unix seconds)
///    168    4 pid
///    172    4 reserved (0)
///    176   64 signature: Ed25519 by the node key over bytes 0..<176
/// ```
public struct SimulatedReport: Sendable, Equatable {
    public static let magic = Array("SRSIMRPT".utf8)
    public static let currentVersion: UInt32 = 1
    public static let byteCount = 240
    /// Bytes covered by the signature.
    public static let signedByteCount = 176
    static let debugFlag: UInt32 = 1

    public var version: UInt32
    public var debug: Bool
    public var measurement: [UInt8]
    public var reportData: [UInt8]
    public var nodeKeyID: [UInt8]
    public var issuedAt: UInt64
    public var pid: UInt32
    public var signature: [UInt8]

    /// An unsigned report; `NodeKey.sign(_:)` fills `nodeKeyID` and `signature`.
    public init(
        measurement: [UInt8], reportData: [UInt8], issuedAt: UInt64, pid: UInt32, debug: Bool = false,
        nodeKeyID: [UInt8] = [UInt8](repeating: 0, count: 32),
        signature: [UInt8] = [UInt8](repeating: 0, count: 64)
    ) {
        self.version = Self.currentVersion
        self.debug = debug
        self.measurement = measurement
        self.reportData = reportData
        self.nodeKeyID = nodeKeyID
        self.issuedAt = issuedAt
        self.pid = pid
        self.signature = signature
    }

    /// The first 176 bytes: what the node key signs. Fields of the wrong length are padded or
    /// cut to their slot so the layout never shifts (`parse` rejects nothing it wrote).
    public func signedBytes() -> [UInt8] {
        var out = Self.magic
        out.reserveCapacity(Self.byteCount)
        out.appendLittleEndian(version)
        out.appendLittleEndian(debug ? Self.debugFlag : 0)
        out += Self.fixed(measurement, 48)
        out += Self.fixed(reportData, 64)
        out += Self.fixed(nodeKeyID, 32)
        out.appendLittleEndian(issuedAt)
        out.appendLittleEndian(pid)
        out.appendLittleEndian(UInt32(0))
        return out
    }

    /// The 240-byte wire form.
    public func encoded() -> [UInt8] {
        signedBytes() + Self.fixed(signature, 64)
    }

    /// Parses the 240-byte layout; a bad field is named with its offset.
    public static func parse(_ bytes: [UInt8]) throws(AttestationError) -> SimulatedReport {
        guard bytes.count == byteCount else {
            throw AttestationError(
                .malformedEvidence, "simulated report: \(bytes.count) bytes, expected \(byteCount)")
        }
        let r = EvidenceReader(bytes, context: "simulated report")
        guard try r.bytes(at: 0, 8, "magic") == magic else {
            throw AttestationError(.malformedEvidence, "simulated report: field magic at offset 0 is not \"SRSIMRPT\"")
        }
        let version = try r.u32(at: 8, "version")
        guard version == currentVersion else {
            throw AttestationError(
                .malformedEvidence, "simulated report: field version at offset 8 is \(version), expected \(currentVersion)")
        }
        let flags = try r.u32(at: 12, "flags")
        guard flags & ~debugFlag == 0 else {
            throw AttestationError(
                .malformedEvidence, "simulated report: field flags at offset 12 has unknown bits 0x\(String(flags, radix: 16))")
        }
        let reserved = try r.u32(at: 172, "reserved")
        guard reserved == 0 else {
            throw AttestationError(.malformedEvidence, "simulated report: field reserved at offset 172 is not zero")
        }
        var report = SimulatedReport(
            measurement: try r.bytes(at: 16, 48, "measurement"),
            reportData: try r.bytes(at: 64, 64, "report_data"),
            issuedAt: try r.u64(at: 160, "issued_at"),
            pid: try r.u32(at: 168, "pid"),
            debug: flags & debugFlag != 0,
            nodeKeyID: try r.bytes(at: 128, 32, "node_key_id"),
            signature: try r.bytes(at: 176, 64, "signature"))
        report.version = version
        return report
    }

    private static func fixed(_ bytes: [UInt8], _ count: Int) -> [UInt8] {
        if bytes.count == count { return bytes }
        return Array(bytes.prefix(count)) + [UInt8](repeating: 0, count: max(0, count - bytes.count))
    }
}
