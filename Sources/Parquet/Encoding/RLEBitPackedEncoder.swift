// Encoder of the RLE / bit-packing hybrid. Repeats of 8 or more become RLE runs; everything else
// is gathered into bit-packed runs of whole groups of 8 (the last group is zero padded).

public struct RLEBitPackedEncoder: Sendable {
    public let bitWidth: Int
    private var output: [UInt8] = []
    /// Values waiting to go into the next bit-packed run.
    private var literals: [UInt32] = []
    /// The trailing repeat not yet committed: `repeatCount` copies of `repeatValue`.
    private var repeatValue: UInt32 = 0
    private var repeatCount = 0

    /// Longest run a header may announce (Encodings.md: run lengths are at most 2^31 - 1).
    private static let maxRunLength = Int(Int32.max)

    /// `bitWidth` is 0...32; values must fit in it (higher bits are dropped).
    public init(bitWidth: Int) {
        precondition((0...32).contains(bitWidth), "RLE bit width must be 0...32")
        self.bitWidth = bitWidth
    }

    /// One-shot encoding without a length prefix.
    public static func encode(_ values: [Int32], bitWidth: Int) -> [UInt8] {
        var encoder = RLEBitPackedEncoder(bitWidth: bitWidth)
        values.withUnsafeBufferPointer { encoder.append(contentsOf: $0) }
        return encoder.finish()
    }

    /// One-shot encoding with the 4-byte little-endian length prefix of v1 levels and RLE booleans.
    public static func encodeLengthPrefixed(_ values: [Int32], bitWidth: Int) -> [UInt8] {
        let body = encode(values, bitWidth: bitWidth)
        var out: [UInt8] = []
        out.reserveCapacity(4 + body.count)
        ByteSink.appendUInt32LE(UInt32(body.count), to: &out)
        out.append(contentsOf: body)
        return out
    }

    public mutating func append(contentsOf values: UnsafeBufferPointer<Int32>) {
        for v in values { append(v) }
    }

    @inline(__always)
    public mutating func append(_ value: Int32) {
        let v = UInt32(bitPattern: value)
        if v == repeatValue && repeatCount > 0 {
            repeatCount &+= 1
        } else {
            commitRepeat()
            repeatValue = v
            repeatCount = 1
        }
    }

    /// Returns the encoded bytes and resets the encoder.
    public mutating func finish() -> [UInt8] {
        commitRepeat()
        flushLiterals()
        let result = output
        output = []
        repeatCount = 0
        return result
    }

    private mutating func commitRepeat() {
        var count = repeatCount
        repeatCount = 0
        guard count > 0 else { return }
        // An RLE run may only start on a group boundary: top up the pending literals first.
        let pad = (8 &- (literals.count & 7)) & 7
        if count - min(pad, count) < 8 {
            literals.append(contentsOf: repeatElement(repeatValue, count: count))
            return
        }
        literals.append(contentsOf: repeatElement(repeatValue, count: pad))
        count &-= pad
        flushLiterals()
        while count > 0 {
            let run = min(count, Self.maxRunLength)
            ByteSink.appendULEB128(UInt64(run) << 1, to: &output)
            var v = repeatValue
            for _ in 0..<((bitWidth + 7) / 8) {
                output.append(UInt8(truncatingIfNeeded: v))
                v >>= 8
            }
            count &-= run
        }
    }

    private mutating func flushLiterals() {
        guard !literals.isEmpty else { return }
        let maxGroupsPerRun = Self.maxRunLength / 8
        var groups = (literals.count + 7) / 8
        literals.append(contentsOf: repeatElement(0, count: groups * 8 - literals.count))
        var index = 0
        var packer = BitPacker()
        while groups > 0 {
            let runGroups = min(groups, maxGroupsPerRun)
            ByteSink.appendULEB128(UInt64(runGroups) << 1 | 1, to: &output)
            for _ in 0..<(runGroups * 8) {
                packer.append(UInt64(literals[index]), width: bitWidth, to: &output)
                index &+= 1
            }
            packer.flush(to: &output)
            groups &-= runGroups
        }
        literals.removeAll(keepingCapacity: true)
    }
}
