// Decoder of the RLE / bit-packing hybrid (Encodings.md "RLE = 3"): definition and repetition
// levels, dictionary indices and RLE booleans.

/// Reads runs of the hybrid encoding from borrowed bytes, appending decoded values.
///
/// Not `Sendable`: it borrows the page bytes and lives only inside the caller's
/// `withUnsafeBytes` scope.
public struct RLEBitPackedDecoder {
    public let bitWidth: Int
    private var cursor: ByteCursor
    private let valueBytes: Int
    // Current run: `rleRemaining` copies of `rleValue`, or `packedRemaining` values of the
    // bit-packed run starting at byte `packedStart`, of which `packedConsumed` are already read.
    private var rleRemaining = 0
    private var rleValue: Int32 = 0
    private var packedRemaining = 0
    private var packedConsumed = 0
    private var packedStart = 0

    /// `bytes` is the encoded data without any length prefix; `bitWidth` is 0...32.
    public init(_ bytes: UnsafeRawBufferPointer, bitWidth: Int) throws(ParquetError) {
        guard (0...32).contains(bitWidth) else {
            throw ParquetError(.malformed, "RLE/bit-packed: bit width \(bitWidth) is outside 0...32")
        }
        self.bitWidth = bitWidth
        self.valueBytes = (bitWidth + 7) / 8
        self.cursor = ByteCursor(bytes, context: "RLE/bit-packed")
    }

    /// Levels of a v1 data page: a 4-byte little-endian length, then the runs. Returns the decoder
    /// and the number of bytes the levels occupy including the prefix.
    public static func lengthPrefixed(_ bytes: UnsafeRawBufferPointer, bitWidth: Int) throws(ParquetError)
        -> (decoder: RLEBitPackedDecoder, byteCount: Int)
    {
        var cursor = ByteCursor(bytes, context: "RLE/bit-packed length prefix")
        let length = Int(try cursor.readUInt32LE("length"))
        let body = try cursor.take(length, "RLE/bit-packed data")
        return (try RLEBitPackedDecoder(body, bitWidth: bitWidth), 4 + length)
    }

    /// Dictionary indices of a data page: one byte of bit width (at most 32), then the runs
    /// up to the end of the page's values.
    public static func dictionaryIndices(_ bytes: UnsafeRawBufferPointer) throws(ParquetError) -> RLEBitPackedDecoder {
        var cursor = ByteCursor(bytes, context: "dictionary indices")
        let width = Int(try cursor.readByte("bit width"))
        guard width <= 32 else {
            throw ParquetError(.malformed, "dictionary indices: bit width \(width) at offset 0 exceeds 32")
        }
        return try RLEBitPackedDecoder(UnsafeRawBufferPointer(rebasing: bytes[1...]), bitWidth: width)
    }

    /// Bytes of the input consumed so far (headers and packed data of started runs).
    public var bytesConsumed: Int { cursor.position }

    /// Appends `count` values to `out`.
    public mutating func decode(into out: inout [Int32], count: Int) throws(ParquetError) {
        guard count > 0 else {
            if count < 0 { throw ParquetError(.invalidArgument, "RLE/bit-packed: negative value count") }
            return
        }
        try ByteSink.appendDecoded(&out, count: count) { (buffer) throws(ParquetError) in try decode(into: buffer) }
    }

    /// Fills `buffer` with the next `buffer.count` values. (A buffer, not a pointer, so `&array`
    /// can never be converted into an unchecked destination by mistake.)
    public mutating func decode(into buffer: UnsafeMutableBufferPointer<Int32>) throws(ParquetError) {
        guard let out = buffer.baseAddress else { return }
        let count = buffer.count
        var written = 0
        while written < count {
            if rleRemaining > 0 {
                let n = min(rleRemaining, count &- written)
                (out + written).update(repeating: rleValue, count: n)
                written &+= n
                rleRemaining &-= n
            } else if packedRemaining > 0 {
                let n = min(packedRemaining, count &- written)
                readPacked(into: out + written, count: n)
                written &+= n
            } else {
                let target = out + written
                let needed = count &- written
                var filled = 0
                try nextRun(zeroFill: target, needed: needed, written: &filled)
                written &+= filled
            }
        }
    }

    /// Skips `count` values (e.g. levels of rows a filter dropped).
    public mutating func skip(_ count: Int) throws(ParquetError) {
        var left = count
        while left > 0 {
            if rleRemaining > 0 {
                let n = min(rleRemaining, left)
                rleRemaining &-= n
                left &-= n
            } else if packedRemaining > 0 {
                let n = min(packedRemaining, left)
                packedRemaining &-= n
                packedConsumed &+= n
                left &-= n
            } else {
                var ignored = 0
                try nextRun(zeroFill: nil, needed: left, written: &ignored)
                left &-= ignored
            }
        }
    }

    private mutating func nextRun(zeroFill out: UnsafeMutablePointer<Int32>?, needed: Int, written: inout Int) throws(ParquetError) {
        if cursor.isAtEnd {
            // Width 0 carries no information: some writers omit the runs entirely.
            if bitWidth == 0 {
                out?.update(repeating: 0, count: needed)
                written &+= needed
                return
            }
            throw cursor.truncated("run header (\(needed) more values expected)", needed: 1)
        }
        let header = try cursor.readULEB128("run header")
        if header & 1 == 0 {
            let length = header >> 1
            guard length <= UInt64(Int32.max) else { throw cursor.malformed("RLE run length exceeds 2^31-1") }
            var value: UInt32 = 0
            for i in 0..<valueBytes {
                value |= UInt32(try cursor.readByte("RLE run value")) << UInt32(8 * i)
            }
            guard bitWidth == 32 || value >> UInt32(bitWidth) == 0 else {
                throw cursor.malformed("RLE run value wider than bit width \(bitWidth)")
            }
            rleValue = Int32(bitPattern: value)
            rleRemaining = Int(length)
        } else {
            let groups = header >> 1
            guard groups <= UInt64(Int32.max / 8) else { throw cursor.malformed("bit-packed run length exceeds 2^31-1") }
            let values = Int(groups) * 8
            let byteLength = Int(groups) * bitWidth
            packedStart = cursor.position
            packedConsumed = 0
            if byteLength <= cursor.remaining {
                packedRemaining = values
                cursor.position &+= byteLength
            } else {
                // Some writers cut the final run short; keep the values whose bits are present.
                packedRemaining = bitWidth == 0 ? values : cursor.remaining * 8 / bitWidth
                cursor.position = cursor.bytes.count
            }
        }
    }

    private mutating func readPacked(into out: UnsafeMutablePointer<Int32>, count: Int) {
        let w = bitWidth
        if w == 0 {
            out.update(repeating: 0, count: count)
            packedConsumed &+= count
            packedRemaining &-= count
            return
        }
        let run = UnsafeRawBufferPointer(rebasing: cursor.bytes[packedStart...])
        var index = packedConsumed
        let end = index &+ count
        var dst = out
        // Head: finish a partially consumed group one value at a time.
        while index < end && index & 7 != 0 {
            dst.pointee = Int32(truncatingIfNeeded: BitUnpacking.value(at: index, width: w, in: run))
            dst += 1
            index &+= 1
        }
        // Body: whole groups while 8 bytes of slack remain readable.
        let wholeGroups = (end &- index) &>> 3
        if wholeGroups > 0 {
            let groupStart = (index &>> 3) &* w
            let safeGroups = min(wholeGroups, max(0, (run.count &- groupStart &- BitUnpacking.slack) / w))
            if safeGroups > 0 {
                BitUnpacking.unpack32(run.baseAddress! + groupStart, dst, groups: safeGroups, width: w)
                dst += safeGroups &* 8
                index &+= safeGroups &* 8
            }
        }
        // Tail: near the end of the buffer, one value at a time with bounds checks.
        while index < end {
            dst.pointee = Int32(truncatingIfNeeded: BitUnpacking.value(at: index, width: w, in: run))
            dst += 1
            index &+= 1
        }
        packedConsumed = end
        packedRemaining &-= count
    }
}

@available(*, unavailable, message: "borrows page bytes; use it inside one withUnsafeBytes scope")
extension RLEBitPackedDecoder: Sendable {}
