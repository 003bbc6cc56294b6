// PLAIN encoding (Encodings.md "PLAIN = 0"), appending to the caller's byte array.

import Columnar

public enum PlainEncoding {
    /// BOOLEAN: bit-packed, least significant bit first, last byte zero padded.
    public static func encode(_ values: [Bool], into out: inout [UInt8]) {
        out.reserveCapacity(out.count + (values.count + 7) / 8)
        var byte: UInt8 = 0
        var bit: UInt8 = 0
        for v in values {
            if v { byte |= 1 &<< bit }
            bit &+= 1
            if bit == 8 {
                out.append(byte)
                byte = 0
                bit = 0
            }
        }
        if bit > 0 { out.append(byte) }
    }

    public static func encode(_ values: [Int32], into out: inout [UInt8]) {
        values.withUnsafeBufferPointer { ByteSink.appendRaw($0, to: &out) }
    }

    public static func encode(_ values: [Int64], into out: inout [UInt8]) {
        values.withUnsafeBufferPointer { ByteSink.appendRaw($0, to: &out) }
    }

    public static func encode(_ values: [Float], into out: inout [UInt8]) {
        values.withUnsafeBufferPointer { ByteSink.appendRaw($0, to: &out) }
    }

    public static func encode(_ values: [Double], into out: inout [UInt8]) {
        values.withUnsafeBufferPointer { ByteSink.appendRaw($0, to: &out) }
    }

    /// INT96 from nanoseconds since the Unix epoch (only for writers that must emit legacy timestamps).
    public static func encodeInt96Timestamps(_ nanoseconds: [Int64], into out: inout [UInt8]) {
        out.reserveCapacity(out.count + nanoseconds.count * 12)
        for n in nanoseconds {
            let (day, nanosOfDay) = Int96Timestamp.split(n)
            withUnsafeBytes(of: nanosOfDay.littleEndian) { out.append(contentsOf: $0) }
            withUnsafeBytes(of: day.littleEndian) { out.append(contentsOf: $0) }
        }
    }

    /// BYTE_ARRAY: each value as a 4-byte little-endian length and its bytes.
    public static func encode(_ values: ByteArrays, into out: inout [UInt8]) {
        encode(values, range: 0..<values.count, into: &out)
    }

    /// BYTE_ARRAY values `range` of `values` (the rows of one page).
    public static func encode(_ values: ByteArrays, range: Range<Int>, into out: inout [UInt8]) {
        guard !range.isEmpty else { return }
        let first = Int(values.offsets[range.lowerBound])
        let last = Int(values.offsets[range.upperBound])
        let start = ByteSink.grow(&out, by: range.count * 4 + (last - first))
        out.withUnsafeMutableBytes { dst in
            values.data.withUnsafeBytes { src in
                values.offsets.withUnsafeBufferPointer { offsets in
                    var at = start
                    for i in range {
                        let from = Int(offsets[i])
                        let length = Int(offsets[i &+ 1]) &- from
                        dst.storeBytes(of: UInt32(truncatingIfNeeded: length).littleEndian, toByteOffset: at, as: UInt32.self)
                        at &+= 4
                        if length > 0 {
                            (dst.baseAddress! + at).copyMemory(from: src.baseAddress! + from, byteCount: length)
                        }
                        at &+= length
                    }
                }
            }
        }
    }

    /// FIXED_LEN_BYTE_ARRAY: the bytes of each value back to back (already the in-memory layout).
    public static func encodeFixed(_ data: [UInt8], into out: inout [UInt8]) {
        out.append(contentsOf: data)
    }
}
