// The deprecated BIT_PACKED level encoding (Encodings.md "BIT_PACKED = 4"): values back to back,
// most significant bit first, last byte zero padded, no header.

public enum LegacyBitPacked {
    /// Appends `count` values of `bitWidth` (0...32) bits; returns the bytes consumed.
    @discardableResult
    public static func decode(_ bytes: UnsafeRawBufferPointer, bitWidth: Int, count: Int,
                              into out: inout [Int32]) throws(ParquetError) -> Int {
        guard (0...32).contains(bitWidth) else {
            throw ParquetError(.malformed, "BIT_PACKED: bit width \(bitWidth) is outside 0...32")
        }
        guard count >= 0 else { throw ParquetError(.invalidArgument, "BIT_PACKED: negative value count") }
        let (bits, overflow) = count.multipliedReportingOverflow(by: bitWidth)
        let needed = overflow ? Int.max : (bits + 7) / 8
        guard !overflow, needed <= bytes.count else {
            throw ParquetError(.truncated, "BIT_PACKED: \(count) values of \(bitWidth) bits need \(needed) bytes at offset 0, have \(bytes.count)")
        }
        out.reserveCapacity(out.count + count)
        var accumulator: UInt64 = 0
        var held = 0
        var next = 0
        let mask: UInt64 = (1 << UInt64(bitWidth)) - 1
        for _ in 0..<count {
            while held < bitWidth {
                accumulator = accumulator << 8 | UInt64(bytes[next])
                next += 1
                held += 8
            }
            held -= bitWidth
            out.append(Int32(truncatingIfNeeded: (accumulator >> UInt64(held)) & mask))
        }
        return needed
    }

    /// Encodes values MSB first (for tests and for writers that must reproduce old files).
    public static func encode(_ values: [Int32], bitWidth: Int) -> [UInt8] {
        precondition((0...32).contains(bitWidth), "BIT_PACKED bit width must be 0...32")
        var out: [UInt8] = []
        var accumulator: UInt64 = 0
        var held = 0
        let mask: UInt64 = (1 << UInt64(bitWidth)) - 1
        for v in values {
            accumulator = accumulator << UInt64(bitWidth) | (UInt64(UInt32(bitPattern: v)) & mask)
            held += bitWidth
            while held >= 8 {
                held -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt64(held)))
            }
        }
        if held > 0 { out.append(UInt8(truncatingIfNeeded: accumulator << UInt64(8 - held))) }
        return out
    }
}
