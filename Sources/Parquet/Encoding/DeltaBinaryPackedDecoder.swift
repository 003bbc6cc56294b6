// DELTA_BINARY_PACKED decoding (Encodings.md "DELTA_BINARY_PACKED = 5"). All arithmetic wraps
// in 64 bits; INT32 results are the low 32 bits, which equals 32-bit wrapping arithmetic.

/// Streams values out of one DELTA_BINARY_PACKED run (a page, or the lengths of a
/// DELTA_LENGTH_BYTE_ARRAY / DELTA_BYTE_ARRAY page).
///
/// Not `Sendable`: it borrows the page bytes and lives only inside the caller's scope.
public struct DeltaBinaryPackedDecoder {
    /// Value count announced by the header.
    public let totalCount: Int
    /// Values not yet decoded.
    public private(set) var remaining: Int

    private var cursor: ByteCursor
    private let miniblocksPerBlock: Int
    private let valuesPerMiniblock: Int
    private var last: UInt64
    private var firstPending: Bool
    /// Deltas still in the stream (every value after the first is one delta).
    private var deltasLeft: Int
    private var minDelta: UInt64 = 0
    private var widthsAt = 0
    private var miniblock: Int
    private var width = 0
    private var miniblockLeft = 0
    private var chunkStart = 0
    private var chunkConsumed = 0

    /// Largest block accepted; real writers use 128 (parquet-mr, Arrow) or a few multiples of it.
    static let maxBlockSize = 1 << 16

    public init(_ bytes: UnsafeRawBufferPointer) throws(ParquetError) {
        var c = ByteCursor(bytes, context: "DELTA_BINARY_PACKED header")
        let blockSize = try c.readULEB128("block size")
        let miniblocks = try c.readULEB128("miniblock count")
        let total = try c.readULEB128("total value count")
        let first = try c.readZigZag("first value")
        guard blockSize > 0, blockSize % 128 == 0, blockSize <= UInt64(Self.maxBlockSize) else {
            throw c.malformed("block size \(blockSize) is not a multiple of 128 in 128...\(Self.maxBlockSize)")
        }
        guard miniblocks > 0, blockSize % miniblocks == 0, (blockSize / miniblocks) % 32 == 0 else {
            throw c.malformed("\(miniblocks) miniblocks do not split a block of \(blockSize) into multiples of 32")
        }
        guard total <= UInt64(Int32.max) else { throw c.malformed("total value count \(total) exceeds 2^31-1") }
        let count = Int(total)
        let m = Int(miniblocks)
        let b = Int(blockSize)
        // Every block costs at least its min delta and its bit-width bytes, so a count the
        // input cannot hold is rejected here, before anyone sizes a buffer from it.
        let blocks = count <= 1 ? 0 : (count - 1 + b - 1) / b
        guard blocks <= c.remaining / (m + 1) else {
            throw c.truncated("\(blocks) blocks for \(count) values", needed: blocks * (m + 1))
        }
        self.totalCount = count
        self.remaining = count
        self.miniblocksPerBlock = m
        self.valuesPerMiniblock = b / m
        self.last = UInt64(bitPattern: first)
        self.firstPending = count > 0
        self.deltasLeft = max(0, count - 1)
        self.miniblock = m
        self.cursor = ByteCursor(bytes, context: "DELTA_BINARY_PACKED", position: c.position)
    }

    /// Input bytes read so far; once every value is decoded, the length of the encoded run.
    public var bytesConsumed: Int { cursor.position }

    public mutating func decode(into out: inout [Int64], count: Int) throws(ParquetError) {
        try decodeAppending(into: &out, count: count)
    }

    public mutating func decode(into out: inout [Int32], count: Int) throws(ParquetError) {
        try decodeAppending(into: &out, count: count)
    }

    /// Decodes every remaining value and returns the bytes the run occupies.
    public mutating func decodeAll(into out: inout [Int64]) throws(ParquetError) -> Int {
        try decode(into: &out, count: remaining)
        return bytesConsumed
    }

    public mutating func decodeAll(into out: inout [Int32]) throws(ParquetError) -> Int {
        try decode(into: &out, count: remaining)
        return bytesConsumed
    }

    private mutating func decodeAppending<T: FixedWidthInteger & BitwiseCopyable>(into out: inout [T], count: Int) throws(ParquetError) {
        guard count >= 0, count <= remaining else {
            throw ParquetError(.malformed, "DELTA_BINARY_PACKED: \(count) values requested, \(remaining) left in the run")
        }
        guard count > 0 else { return }
        try ByteSink.appendDecoded(&out, count: count) { (buffer) throws(ParquetError) in try decode(into: buffer) }
    }

    /// Fills `buffer` (at most `remaining` values); `T` is Int32 or Int64.
    mutating func decode<T: FixedWidthInteger>(into buffer: UnsafeMutableBufferPointer<T>) throws(ParquetError) {
        guard let out = buffer.baseAddress else { return }
        let count = buffer.count
        guard count <= remaining else {
            throw ParquetError(.malformed, "DELTA_BINARY_PACKED: \(count) values requested, \(remaining) left in the run")
        }
        var written = 0
        if firstPending && count > 0 {
            out.pointee = T(truncatingIfNeeded: Int64(bitPattern: last))
            firstPending = false
            written = 1
        }
        guard written < count else {
            remaining &-= count
            return
        }
        // 32 unpacked deltas, then room to zero-pad a chunk that ends near the buffer's end.
        let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: 32 + 34)
        defer { scratch.deallocate() }
        while written < count {
            if miniblockLeft == 0 { try startMiniblock() }
            unpackChunk(into: scratch)
            let take = min(32 &- chunkConsumed, count &- written)
            var value = last
            let delta = minDelta
            let d = out + written
            let s = scratch + chunkConsumed
            for i in 0..<take {
                value = value &+ delta &+ s[i]
                d[i] = T(truncatingIfNeeded: Int64(bitPattern: value))
            }
            last = value
            written &+= take
            deltasLeft &-= take
            miniblockLeft &-= take
            chunkConsumed &+= take
            if chunkConsumed == 32 {
                chunkStart &+= 4 &* width
                chunkConsumed = 0
            }
        }
        remaining &-= count
    }

    private mutating func startMiniblock() throws(ParquetError) {
        if miniblock == miniblocksPerBlock {
            minDelta = UInt64(bitPattern: try cursor.readZigZag("block min delta"))
            guard cursor.remaining >= miniblocksPerBlock else {
                throw cursor.truncated("miniblock bit widths", needed: miniblocksPerBlock)
            }
            widthsAt = cursor.position
            cursor.position &+= miniblocksPerBlock
            miniblock = 0
        }
        let w = Int(cursor.bytes[widthsAt &+ miniblock])
        guard w <= 64 else {
            throw ParquetError(.malformed, "DELTA_BINARY_PACKED: miniblock bit width \(w) at offset \(widthsAt + miniblock) exceeds 64")
        }
        let full = (valuesPerMiniblock &>> 3) &* w
        let used = min(valuesPerMiniblock, deltasLeft)
        // The final miniblock should be padded to full size; accept it cut after its last value.
        let needed = used == valuesPerMiniblock ? full : (used &* w &+ 7) &>> 3
        guard needed <= cursor.remaining else { throw cursor.truncated("miniblock data", needed: needed) }
        width = w
        chunkStart = cursor.position
        chunkConsumed = 0
        miniblockLeft = valuesPerMiniblock
        cursor.position = min(cursor.position &+ full, cursor.bytes.count)
        miniblock &+= 1
    }

    private func unpackChunk(into scratch: UnsafeMutablePointer<UInt64>) {
        let chunkBytes = 4 &* width
        let available = cursor.bytes.count &- chunkStart
        if available >= chunkBytes &+ BitUnpacking.slack {
            BitUnpacking.unpack32Values64(cursor.bytes.baseAddress! + chunkStart, scratch, width: width)
        } else {
            // Near the end of the input: copy what exists into zeroed room after the 32 values.
            let pad = UnsafeMutableRawPointer(scratch + 32)
            pad.initializeMemory(as: UInt8.self, repeating: 0, count: 34 * 8)
            let n = max(0, min(available, chunkBytes))
            if n > 0 { pad.copyMemory(from: cursor.bytes.baseAddress! + chunkStart, byteCount: n) }
            BitUnpacking.unpack32Values64(pad, scratch, width: width)
        }
    }
}

@available(*, unavailable, message: "borrows page bytes; use it inside one withUnsafeBytes scope")
extension DeltaBinaryPackedDecoder: Sendable {}
