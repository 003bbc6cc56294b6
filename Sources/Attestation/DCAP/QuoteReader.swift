/// A bounds-checked little-endian cursor over untrusted quote bytes. Every read names what it
/// wanted and where, so a truncated or corrupt quote gives a `.malformedEvidence` error with the
/// offset instead of a trap.
struct QuoteReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    /// Names the structure being read ("TDX quote", "QE certification data") in errors.
    let context: String

    init(_ bytes: [UInt8], context: String, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
        self.context = context
    }

    var remaining: Int { bytes.count - offset }

    mutating func read(_ count: Int, _ field: String) throws(AttestationError) -> [UInt8] {
        guard count >= 0, count <= remaining else {
            throw AttestationError(
                .malformedEvidence,
                "\(context): \(field) needs \(count) bytes at offset \(offset), only \(max(remaining, 0)) left")
        }
        let start = offset
        offset += count
        return Array(bytes[start..<offset])
    }

    mutating func u16(_ field: String) throws(AttestationError) -> UInt16 {
        let b = try read(2, field)
        return UInt16(b[0]) | UInt16(b[1]) << 8
    }

    mutating func u32(_ field: String) throws(AttestationError) -> UInt32 {
        let b = try read(4, field)
        return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
    }

    mutating func u64(_ field: String) throws(AttestationError) -> UInt64 {
        let b = try read(8, field)
        var value: UInt64 = 0
        for (i, byte) in b.enumerated() { value |= UInt64(byte) << (8 * UInt64(i)) }
        return value
    }

    /// Reads a length-prefixed region whose length field is itself untrusted.
    mutating func sized(_ length: UInt32, _ field: String) throws(AttestationError) -> [UInt8] {
        guard let count = Int(exactly: length) else {
            throw AttestationError(.malformedEvidence, "\(context): \(field) length \(length) at offset \(offset) is not representable")
        }
        return try read(count, field)
    }
}

