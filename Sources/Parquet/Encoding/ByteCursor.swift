// Bounds-checked reading of encoded page bytes. Every read checks the remaining length first,
// so a truncated or hostile page throws instead of reading past the buffer.

#if !_endian(little)
#error("Strongroom's encoders copy values with memcpy and assume a little-endian host")
#endif

/// A read position in borrowed bytes. It lives only inside the caller's `withUnsafeBytes` scope.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    var position: Int
    /// Names the encoding in error messages ("DELTA_BINARY_PACKED header", ...).
    let context: StaticString

    init(_ bytes: UnsafeRawBufferPointer, context: StaticString, position: Int = 0) {
        self.bytes = bytes
        self.context = context
        self.position = position
    }

    var remaining: Int { bytes.count &- position }
    var isAtEnd: Bool { position >= bytes.count }

    func truncated(_ what: String, needed: Int) -> ParquetError {
        ParquetError(.truncated, "\(context): \(what) needs \(needed) bytes at offset \(position), only \(remaining) left")
    }

    func malformed(_ what: String) -> ParquetError {
        ParquetError(.malformed, "\(context): \(what) at offset \(position)")
    }

    @inline(__always)
    mutating func readByte(_ what: String) throws(ParquetError) -> UInt8 {
        guard position < bytes.count else { throw truncated(what, needed: 1) }
        let b = bytes[position]
        position &+= 1
        return b
    }

    /// 4-byte little-endian unsigned length, as used by the v1 level and BYTE_ARRAY framings.
    @inline(__always)
    mutating func readUInt32LE(_ what: String) throws(ParquetError) -> UInt32 {
        guard remaining >= 4 else { throw truncated(what, needed: 4) }
        let v = bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self)
        position &+= 4
        return UInt32(littleEndian: v)
    }

    /// ULEB128; at most 10 bytes and no bits beyond 64.
    mutating func readULEB128(_ what: String) throws(ParquetError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = position
        while true {
            guard position < bytes.count else { throw truncated(what, needed: position - start + 1) }
            let b = bytes[position]
            position &+= 1
            let payload = UInt64(b & 0x7F)
            if shift == 63 && payload > 1 { throw malformed("\(what): ULEB128 value exceeds 64 bits") }
            result |= payload << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw malformed("\(what): ULEB128 longer than 10 bytes") }
        }
    }

    mutating func readZigZag(_ what: String) throws(ParquetError) -> Int64 {
        let u = try readULEB128(what)
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    /// Takes `count` bytes and advances past them.
    mutating func take(_ count: Int, _ what: String) throws(ParquetError) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= remaining else { throw truncated(what, needed: count) }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position &+ count)])
        position &+= count
        return slice
    }
}

/// Byte writing helpers for encoders; output goes to the caller's array.
enum ByteSink {
    @inline(__always)
    static func appendULEB128(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(truncatingIfNeeded: v))
    }

    @inline(__always)
    static func appendZigZag(_ value: Int64, to out: inout [UInt8]) {
        appendULEB128(UInt64(bitPattern: (value << 1) ^ (value >> 63)), to: &out)
    }

    @inline(__always)
    static func appendUInt32LE(_ value: UInt32, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    /// Appends the raw bytes of `values` (little-endian host, asserted above).
    static func appendRaw<T: BitwiseCopyable>(_ values: UnsafeBufferPointer<T>, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeRawBufferPointer(values))
    }

    /// Appends `count` values that `decode` writes in place; on an error the array is left as it was.
    @inline(__always)
    static func appendDecoded<T: BitwiseCopyable & ExpressibleByIntegerLiteral>(
        _ array: inout [T], count: Int,
        _ decode: (UnsafeMutableBufferPointer<T>) throws(ParquetError) -> Void
    ) throws(ParquetError) {
        let start = grow(&array, by: count)
        var failure: ParquetError?
        array.withUnsafeMutableBufferPointer { buffer in
            do throws(ParquetError) {
                try decode(UnsafeMutableBufferPointer(rebasing: buffer[start...]))
            } catch {
                failure = error
            }
        }
        if let failure {
            array.removeLast(count)
            throw failure
        }
    }

    /// Grows `array` by `count` zeroed elements and returns the index of the first new one.
    @inline(__always)
    static func grow<T: BitwiseCopyable & ExpressibleByIntegerLiteral>(_ array: inout [T], by count: Int) -> Int {
        let start = array.count
        array.append(contentsOf: repeatElement(0, count: count))
        return start
    }
}

/// Number of bits needed to store `value` (0 for 0).
@inline(__always)
func bitsRequired(_ value: UInt64) -> Int { 64 &- value.leadingZeroBitCount }
