// PLAIN decoding (Encodings.md "PLAIN = 0"). Each function appends `count` values to the
// caller's array and returns the number of input bytes it consumed.

import Columnar

public enum PlainDecoding {
    /// BOOLEAN: bit-packed, least significant bit first.
    @discardableResult
    public static func decodeBooleans(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout [Bool]) throws(ParquetError) -> Int {
        let needed = try requiredBytes(count: count, bitsEach: 1, available: bytes.count, "PLAIN BOOLEAN")
        let start = out.count
        out.append(contentsOf: repeatElement(false, count: count))
        out.withUnsafeMutableBufferPointer { dst in
            unpackBooleans(bytes.baseAddress, dst.baseAddress! + start, count: count)
        }
        return needed
    }

    /// Unpacks LSB-first bits into Bools; `src` holds at least ceil(count/8) bytes.
    static func unpackBooleans(_ src: UnsafeRawPointer?, _ dst: UnsafeMutablePointer<Bool>, count: Int) {
        guard let src, count > 0 else { return }
        let wholeBytes = count &>> 3
        for i in 0..<wholeBytes {
            let b = src.load(fromByteOffset: i, as: UInt8.self)
            let d = dst + (i &<< 3)
            for bit in 0..<8 { d[bit] = (b &>> UInt8(bit)) & 1 != 0 }
        }
        let tail = count & 7
        if tail > 0 {
            let b = src.load(fromByteOffset: wholeBytes, as: UInt8.self)
            let d = dst + (wholeBytes &<< 3)
            for bit in 0..<tail { d[bit] = (b &>> UInt8(bit)) & 1 != 0 }
        }
    }

    @discardableResult
    public static func decodeInt32(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout [Int32]) throws(ParquetError) -> Int {
        try copyFixed(bytes, count: count, into: &out, "PLAIN INT32")
    }

    @discardableResult
    public static func decodeInt64(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout [Int64]) throws(ParquetError) -> Int {
        try copyFixed(bytes, count: count, into: &out, "PLAIN INT64")
    }

    @discardableResult
    public static func decodeFloat(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout [Float]) throws(ParquetError) -> Int {
        try copyFixed(bytes, count: count, into: &out, "PLAIN FLOAT")
    }

    @discardableResult
    public static func decodeDouble(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout [Double]) throws(ParquetError) -> Int {
        try copyFixed(bytes, count: count, into: &out, "PLAIN DOUBLE")
    }

    /// INT96 (legacy Impala/Spark timestamps): 8 bytes nanoseconds of day, then 4 bytes Julian day,
    /// both little endian. Converted to nanoseconds since the Unix epoch with wrapping arithmetic,
    /// as Arrow does, so out-of-range days give a wrapped value rather than a trap.
    @discardableResult
    public static func decodeInt96Timestamps(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout [Int64]) throws(ParquetError) -> Int {
        try decodeInt96(bytes, count: count, into: &out, Int96Timestamp.nanoseconds)
    }

    /// INT96 as microseconds since the epoch, like Spark: exact for every Julian day an Int32
    /// holds (nanosecond Int64 would wrap for years outside 1677...2262).
    @discardableResult
    public static func decodeInt96Microseconds(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout [Int64]) throws(ParquetError) -> Int {
        try decodeInt96(bytes, count: count, into: &out, Int96Timestamp.microseconds)
    }

    @inline(__always)
    private static func decodeInt96(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout [Int64],
                                    _ convert: (_ julianDay: Int32, _ nanosOfDay: Int64) -> Int64) throws(ParquetError) -> Int {
        let needed = try requiredBytes(count: count, bitsEach: 96, available: bytes.count, "PLAIN INT96")
        let start = ByteSink.grow(&out, by: count)
        out.withUnsafeMutableBufferPointer { dst in
            guard let src = bytes.baseAddress else { return }
            for i in 0..<count {
                let nanosOfDay = Int64(littleEndian: src.loadUnaligned(fromByteOffset: i &* 12, as: Int64.self))
                let julianDay = Int32(littleEndian: src.loadUnaligned(fromByteOffset: i &* 12 &+ 8, as: Int32.self))
                dst[start &+ i] = convert(julianDay, nanosOfDay)
            }
        }
        return needed
    }

    /// BYTE_ARRAY: each value is a 4-byte little-endian length and the bytes.
    @discardableResult
    public static func decodeByteArrays(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout ByteArrays) throws(ParquetError) -> Int {
        guard count >= 0 else { throw ParquetError(.invalidArgument, "PLAIN BYTE_ARRAY: negative value count") }
        guard count <= bytes.count / 4 else {
            throw ParquetError(.truncated, "PLAIN BYTE_ARRAY: \(count) values need at least \(count * 4) bytes at offset 0, have \(bytes.count)")
        }
        // Payload is at most the input minus the length fields: grow once, trim at the end.
        let payloadBound = bytes.count &- count &* 4
        let dataStart = out.data.count
        let offsetStart = out.offsets.count
        let base = Int(out.offsets[offsetStart - 1])
        guard base == dataStart else { throw ParquetError(.invalidArgument, "PLAIN BYTE_ARRAY: output offsets do not match its data") }
        // Work on local arrays so the two buffers can be written in one loop.
        var data: [UInt8] = []
        var offsets: [Int32] = []
        swap(&data, &out.data)
        swap(&offsets, &out.offsets)
        defer {
            swap(&data, &out.data)
            swap(&offsets, &out.offsets)
        }
        data.append(contentsOf: repeatElement(0, count: payloadBound))
        offsets.append(contentsOf: repeatElement(0, count: count))
        var position = 0
        var written = 0
        var failure: ParquetError?
        data.withUnsafeMutableBufferPointer { data in
            offsets.withUnsafeMutableBufferPointer { offsets in
                guard let src = bytes.baseAddress else { return }
                let end = bytes.count
                for i in 0..<count {
                    guard end &- position >= 4 else {
                        failure = ParquetError(.truncated, "PLAIN BYTE_ARRAY: length of value \(i) at offset \(position) is cut off")
                        return
                    }
                    let length = Int(UInt32(littleEndian: src.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
                    position &+= 4
                    guard length <= end &- position else {
                        failure = ParquetError(.truncated, "PLAIN BYTE_ARRAY: value \(i) at offset \(position - 4) claims \(length) bytes, \(end - position) left")
                        return
                    }
                    // The output was sized for the lengths of *all* values: a value may not eat
                    // the 4-byte lengths the values after it still need (found by fuzzing).
                    guard written &+ length <= payloadBound else {
                        failure = ParquetError(.truncated, "PLAIN BYTE_ARRAY: value \(i) at offset \(position - 4) claims \(length) bytes, leaving too few for the \(count - i - 1) values after it")
                        return
                    }
                    let target = dataStart &+ written
                    guard target &+ length <= Int(Int32.max) else {
                        failure = ParquetError(.unsupported, "PLAIN BYTE_ARRAY: column data exceeds 2 GiB at value \(i)")
                        return
                    }
                    if length > 0 { UnsafeMutableRawPointer(data.baseAddress! + target).copyMemory(from: src + position, byteCount: length) }
                    position &+= length
                    written &+= length
                    offsets[offsetStart &+ i] = Int32(truncatingIfNeeded: target &+ length)
                }
            }
        }
        if let failure {
            data.removeLast(data.count - dataStart)
            offsets.removeLast(offsets.count - offsetStart)
            throw failure
        }
        data.removeLast(payloadBound &- written)
        return position
    }

    /// FIXED_LEN_BYTE_ARRAY: `count` values of `width` bytes, appended to `out` end to end.
    @discardableResult
    public static func decodeFixed(_ bytes: UnsafeRawBufferPointer, width: Int, count: Int, into out: inout [UInt8]) throws(ParquetError) -> Int {
        guard width >= 0 else { throw ParquetError(.invalidArgument, "PLAIN FIXED_LEN_BYTE_ARRAY: negative width") }
        let needed = try requiredBytes(count: count, bitsEach: 8 * width, available: bytes.count, "PLAIN FIXED_LEN_BYTE_ARRAY")
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<needed]))
        return needed
    }

    private static func copyFixed<T: BitwiseCopyable & ExpressibleByIntegerLiteral>(
        _ bytes: UnsafeRawBufferPointer, count: Int, into out: inout [T], _ what: StaticString
    ) throws(ParquetError) -> Int {
        let needed = try requiredBytes(count: count, bitsEach: 8 * MemoryLayout<T>.size, available: bytes.count, what)
        guard needed > 0 else { return 0 }
        let start = ByteSink.grow(&out, by: count)
        out.withUnsafeMutableBytes { dst in
            dst.baseAddress!.advanced(by: start * MemoryLayout<T>.stride).copyMemory(from: bytes.baseAddress!, byteCount: needed)
        }
        return needed
    }

    /// Bytes taken by `count` values of `bitsEach` bits, checked against the input length.
    static func requiredBytes(count: Int, bitsEach: Int, available: Int, _ what: StaticString) throws(ParquetError) -> Int {
        guard count >= 0 else { throw ParquetError(.invalidArgument, "\(what): negative value count") }
        let (bits, overflow) = count.multipliedReportingOverflow(by: bitsEach)
        guard !overflow, (bits &+ 7) / 8 <= available else {
            throw ParquetError(.truncated, "\(what): \(count) values need more than the \(available) bytes at offset 0")
        }
        return (bits &+ 7) / 8
    }
}

/// INT96 timestamp arithmetic shared by the decoder and the encoder.
public enum Int96Timestamp {
    public static let unixEpochJulianDay: Int64 = 2_440_588
    public static let nanosecondsPerDay: Int64 = 86_400_000_000_000

    @inline(__always)
    public static func nanoseconds(julianDay: Int32, nanosOfDay: Int64) -> Int64 {
        (Int64(julianDay) &- unixEpochJulianDay) &* nanosecondsPerDay &+ nanosOfDay
    }

    /// Days times 86.4e9 µs stays far inside Int64 for any Int32 day; the floor division keeps
    /// pre-epoch times ordered.
    @inline(__always)
    public static func microseconds(julianDay: Int32, nanosOfDay: Int64) -> Int64 {
        let micros = nanosOfDay >= 0 ? nanosOfDay / 1000 : (nanosOfDay - 999) / 1000
        return (Int64(julianDay) &- unixEpochJulianDay) &* 86_400_000_000 &+ micros
    }

    /// Splits nanoseconds since the epoch into (Julian day, nanoseconds of day >= 0).
    public static func split(_ nanoseconds: Int64) -> (julianDay: Int32, nanosOfDay: Int64) {
        var days = nanoseconds / nanosecondsPerDay
        var rest = nanoseconds % nanosecondsPerDay
        if rest < 0 { rest += nanosecondsPerDay; days -= 1 }
        return (Int32(truncatingIfNeeded: days &+ unixEpochJulianDay), rest)
    }
}
