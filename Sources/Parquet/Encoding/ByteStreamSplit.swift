// BYTE_STREAM_SPLIT (Encodings.md "BYTE_STREAM_SPLIT = 9"): byte k of every value is stored in
// stream k; the K streams of N bytes follow each other and fill the page exactly.

public enum ByteStreamSplit {
    /// Appends `count` values of `width` bytes, in element order, to `out`. The input must be
    /// exactly `count * width` bytes, since the stream length is implied by the page end.
    public static func decode(_ bytes: UnsafeRawBufferPointer, width: Int, count: Int, into out: inout [UInt8]) throws(ParquetError) {
        let total = try checkedSize(bytes, width: width, count: count)
        guard total > 0 else { return }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: total))
        out.withUnsafeMutableBytes { dst in
            gather(bytes.baseAddress!, dst.baseAddress! + start, width: width, count: count)
        }
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout [Float]) throws(ParquetError) {
        try decodeTyped(bytes, count: count, into: &out)
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout [Double]) throws(ParquetError) {
        try decodeTyped(bytes, count: count, into: &out)
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout [Int32]) throws(ParquetError) {
        try decodeTyped(bytes, count: count, into: &out)
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout [Int64]) throws(ParquetError) {
        try decodeTyped(bytes, count: count, into: &out)
    }

    /// Encodes `count` values of `width` bytes stored end to end in `values`.
    public static func encode(_ values: UnsafeRawBufferPointer, width: Int, into out: inout [UInt8]) {
        precondition(width > 0 && values.count % width == 0, "BYTE_STREAM_SPLIT input must hold whole values")
        let count = values.count / width
        guard count > 0 else { return }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: values.count))
        out.withUnsafeMutableBytes { dst in
            let d = dst.baseAddress! + start
            let s = values.baseAddress!
            for k in 0..<width {
                let stream = d + k &* count
                for i in 0..<count {
                    stream.storeBytes(of: s.load(fromByteOffset: i &* width &+ k, as: UInt8.self), toByteOffset: i, as: UInt8.self)
                }
            }
        }
    }

    public static func encode<T: BitwiseCopyable>(_ values: [T], into out: inout [UInt8]) {
        values.withUnsafeBytes { encode($0, width: MemoryLayout<T>.size, into: &out) }
    }

    private static func decodeTyped<T: BitwiseCopyable & ExpressibleByIntegerLiteral>(
        _ bytes: UnsafeRawBufferPointer, count: Int, into out: inout [T]
    ) throws(ParquetError) {
        let width = MemoryLayout<T>.size
        let total = try checkedSize(bytes, width: width, count: count)
        guard total > 0 else { return }
        let start = ByteSink.grow(&out, by: count)
        out.withUnsafeMutableBytes { dst in
            gather(bytes.baseAddress!, dst.baseAddress! + start &* width, width: width, count: count)
        }
    }

    private static func checkedSize(_ bytes: UnsafeRawBufferPointer, width: Int, count: Int) throws(ParquetError) -> Int {
        guard width > 0, count >= 0 else {
            throw ParquetError(.invalidArgument, "BYTE_STREAM_SPLIT: width and count must be positive")
        }
        let (total, overflow) = width.multipliedReportingOverflow(by: count)
        guard !overflow, total == bytes.count else {
            throw ParquetError(.malformed, "BYTE_STREAM_SPLIT: \(count) values of \(width) bytes do not fill the \(bytes.count)-byte page")
        }
        return total
    }

    /// Interleaves the streams back into values. Widths 2, 4 and 8 get loops the compiler can
    /// keep in registers; other FIXED_LEN_BYTE_ARRAY widths go stream by stream.
    private static func gather(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, width: Int, count: Int) {
        switch width {
        case 2:
            let s0 = src.assumingMemoryBound(to: UInt8.self), s1 = s0 + count
            for i in 0..<count {
                let v = UInt16(s0[i]) | UInt16(s1[i]) &<< 8
                dst.storeBytes(of: v, toByteOffset: i &* 2, as: UInt16.self)
            }
        case 4:
            let s0 = src.assumingMemoryBound(to: UInt8.self), s1 = s0 + count, s2 = s1 + count, s3 = s2 + count
            for i in 0..<count {
                let v = UInt32(s0[i]) | UInt32(s1[i]) &<< 8 | UInt32(s2[i]) &<< 16 | UInt32(s3[i]) &<< 24
                dst.storeBytes(of: v, toByteOffset: i &* 4, as: UInt32.self)
            }
        case 8:
            let s0 = src.assumingMemoryBound(to: UInt8.self)
            let s1 = s0 + count, s2 = s1 + count, s3 = s2 + count
            let s4 = s3 + count, s5 = s4 + count, s6 = s5 + count, s7 = s6 + count
            for i in 0..<count {
                let lo = UInt64(s0[i]) | UInt64(s1[i]) &<< 8 | UInt64(s2[i]) &<< 16 | UInt64(s3[i]) &<< 24
                let hi = UInt64(s4[i]) | UInt64(s5[i]) &<< 8 | UInt64(s6[i]) &<< 16 | UInt64(s7[i]) &<< 24
                dst.storeBytes(of: lo | hi &<< 32, toByteOffset: i &* 8, as: UInt64.self)
            }
        default:
            let d = dst.assumingMemoryBound(to: UInt8.self)
            for k in 0..<width {
                let stream = src.assumingMemoryBound(to: UInt8.self) + k &* count
                for i in 0..<count { d[i &* width &+ k] = stream[i] }
            }
        }
    }
}
