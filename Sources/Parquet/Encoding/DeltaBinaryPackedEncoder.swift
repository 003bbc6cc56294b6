// DELTA_BINARY_PACKED encoding with blocks of 128 values in 4 miniblocks of 32 (the layout
// parquet-mr and Arrow write). Deltas are taken in the column's own width with wrapping, so
// INT32 data never needs more than 32 bits per delta, as the spec requires.

public enum DeltaBinaryPackedEncoder {
    static let blockSize = 128
    static let miniblocksPerBlock = 4
    static let valuesPerMiniblock = 32

    public static func encode(_ values: [Int64], into out: inout [UInt8]) {
        values.withUnsafeBufferPointer { encode($0, into: &out) }
    }

    public static func encode(_ values: [Int32], into out: inout [UInt8]) {
        values.withUnsafeBufferPointer { encode($0, into: &out) }
    }

    public static func encode(_ values: UnsafeBufferPointer<Int64>, into out: inout [UInt8]) {
        encodeValues(values, into: &out)
    }

    public static func encode(_ values: UnsafeBufferPointer<Int32>, into out: inout [UInt8]) {
        encodeValues(values, into: &out)
    }

    private static func encodeValues<T: FixedWidthInteger & SignedInteger>(_ values: UnsafeBufferPointer<T>, into out: inout [UInt8]) {
        ByteSink.appendULEB128(UInt64(blockSize), to: &out)
        ByteSink.appendULEB128(UInt64(miniblocksPerBlock), to: &out)
        ByteSink.appendULEB128(UInt64(values.count), to: &out)
        ByteSink.appendZigZag(Int64(values.first ?? 0), to: &out)
        guard values.count > 1 else { return }

        let deltaMask: UInt64 = T.bitWidth == 64 ? ~0 : (1 &<< UInt64(T.bitWidth)) &- 1
        var adjusted = [UInt64](repeating: 0, count: blockSize)
        var previous = values[0]
        var next = 1
        while next < values.count {
            let n = min(blockSize, values.count &- next)
            var minDelta = T.max
            for i in 0..<n {
                let d = values[next &+ i] &- (i == 0 ? previous : values[next &+ i &- 1])
                minDelta = Swift.min(minDelta, d)
            }
            var widths = [Int](repeating: 0, count: miniblocksPerBlock)
            for i in 0..<n {
                let d = values[next &+ i] &- (i == 0 ? previous : values[next &+ i &- 1])
                let a = UInt64(truncatingIfNeeded: d &- minDelta) & deltaMask
                adjusted[i] = a
                let m = i / valuesPerMiniblock
                widths[m] = Swift.max(widths[m], bitsRequired(a))
            }
            for i in n..<blockSize { adjusted[i] = 0 }
            ByteSink.appendZigZag(Int64(minDelta), to: &out)
            let used = (n + valuesPerMiniblock - 1) / valuesPerMiniblock
            for m in 0..<miniblocksPerBlock { out.append(m < used ? UInt8(widths[m]) : 0) }
            var packer = BitPacker()
            for m in 0..<used {
                let w = widths[m]
                for i in (m * valuesPerMiniblock)..<((m + 1) * valuesPerMiniblock) {
                    packer.append(adjusted[i], width: w, to: &out)
                }
                packer.flush(to: &out)
            }
            previous = values[next &+ n &- 1]
            next &+= n
        }
    }
}
