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

/// Lowercase hex, the encoding of digests and identifiers in claims (cas.md "Encodings").
enum SNPHex {
    static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
