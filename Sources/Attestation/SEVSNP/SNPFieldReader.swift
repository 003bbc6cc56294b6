/// Bounds-checked little-endian reads at fixed offsets of untrusted bytes (SNP reports,
/// HCL reports). Every read names the field and offset when it falls outside the input.
struct SNPFieldReader {
    let bytes: [UInt8]
    /// Prefix for error messages ("SNP report", "HCL report").
    let what: String

    init(_ bytes: [UInt8], what: String) {
        self.bytes = bytes
        self.what = what
    }

    func bytes(_ offset: Int, _ count: Int, _ field: String) throws(AttestationError) -> [UInt8] {
        let (end, overflow) = offset.addingReportingOverflow(count)
        guard offset >= 0, count >= 0, !overflow, end <= bytes.count else {
            throw AttestationError(
                .malformedEvidence,
                "\(what) truncated: \(field) needs bytes \(offset)..<\(end) (offset 0x\(String(offset, radix: 16))), input has \(bytes.count)")
        }
        return Array(bytes[offset..<end])
    }

    func u8(_ offset: Int, _ field: String) throws(AttestationError) -> UInt8 {
        try bytes(offset, 1, field)[0]
    }

    func u16(_ offset: Int, _ field: String) throws(AttestationError) -> UInt16 {
        UInt16(truncatingIfNeeded: try unsigned(offset, 2, field))
    }

    func u32(_ offset: Int, _ field: String) throws(AttestationError) -> UInt32 {
        UInt32(truncatingIfNeeded: try unsigned(offset, 4, field))
    }

    func u64(_ offset: Int, _ field: String) throws(AttestationError) -> UInt64 {
        try unsigned(offset, 8, field)
    }

    private func unsigned(_ offset: Int, _ width: Int, _ field: String) throws(AttestationError) -> UInt64 {
        let raw = try bytes(offset, width, field)
        var value: UInt64 = 0
        for (i, b) in raw.enumerated() { value |= UInt64(b) << (8 * UInt64(i)) }
        return value
    }
}

