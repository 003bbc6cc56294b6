/// Definition and repetition levels of data pages.
enum LevelDecoding {
    static func bitWidth(forMaxLevel level: Int) -> Int {
        level == 0 ? 0 : Int.bitWidth - level.leadingZeroBitCount
    }

    /// v1 levels: RLE with a 4-byte length prefix, or the legacy BIT_PACKED encoding.
    /// Returns the bytes consumed.
    static func decodeV1(_ bytes: UnsafeRawBufferPointer, from offset: Int, encoding: Encoding, maxLevel: Int,
                         count: Int, into levels: inout [Int32], context: String) throws -> Int {
        guard offset <= bytes.count else { throw ParquetError(.truncated, "\(context): page ends before the levels") }
        let input = UnsafeRawBufferPointer(rebasing: bytes[offset...])
        let width = bitWidth(forMaxLevel: maxLevel)
        let before = levels.count
        let consumed: Int
        do {
            switch encoding {
            case .rle:
                var (decoder, length) = try RLEBitPackedDecoder.lengthPrefixed(input, bitWidth: width)
                try decoder.decode(into: &levels, count: count)
                consumed = length
            case .bitPacked:
                consumed = try LegacyBitPacked.decode(input, bitWidth: width, count: count, into: &levels)
            default:
                throw ParquetError(.unsupported, "level encoding \(encoding.name)")
            }
        } catch let error as ParquetError {
            throw ParquetError(error.code, "\(context): \(error.message)")
        }
        try check(levels, from: before, maxLevel: maxLevel, context: context)
        return consumed
    }

    /// v2 levels: RLE without a length prefix.
    static func decodeHybrid(_ bytes: UnsafeRawBufferPointer, maxLevel: Int, count: Int,
                             into levels: inout [Int32], context: String) throws {
        let before = levels.count
        do {
            var decoder = try RLEBitPackedDecoder(bytes, bitWidth: bitWidth(forMaxLevel: maxLevel))
            try decoder.decode(into: &levels, count: count)
        } catch {
            throw ParquetError(error.code, "\(context): \(error.message)")
        }
        try check(levels, from: before, maxLevel: maxLevel, context: context)
    }

    /// Levels above the maximum would make record assembly index outside the schema.
    private static func check(_ levels: [Int32], from start: Int, maxLevel: Int, context: String) throws {
        let (low, high) = levels.withUnsafeBufferPointer { l -> (Int32, Int32) in
            var low = SIMD8<Int32>(repeating: 0), high = SIMD8<Int32>(repeating: 0)
            var i = start
            let base = UnsafeRawPointer(l.baseAddress)
            while i + 8 <= l.count {
                let v = base!.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Int32>.self)
                low = pointwiseMin(low, v)
                high = pointwiseMax(high, v)
                i &+= 8
            }
            var lo = low.min(), hi = high.max()
            while i < l.count { lo = min(lo, l[i]); hi = max(hi, l[i]); i &+= 1 }
            return (lo, hi)
        }
        if low < 0 || Int(high) > maxLevel {
            throw ParquetError(.malformed, "\(context): a level exceeds the maximum \(maxLevel)")
        }
    }

    /// How many levels from `start` equal `value` (explicit SIMD: the scalar loop does not
    /// vectorize and this runs over every definition level of every page).
    static func countEqual(_ levels: [Int32], from start: Int, to value: Int) -> Int {
        let target = Int32(value)
        return levels.withUnsafeBufferPointer { l -> Int in
            let wanted = SIMD8<Int32>(repeating: target)
            var lanes = SIMD8<Int32>()
            var i = start
            var n = 0
            let base = UnsafeRawPointer(l.baseAddress)
            while i + 8 <= l.count {
                // Lanes of a true mask are -1; count in blocks so 32-bit lanes cannot overflow.
                let block = min(l.count, i + (1 << 24))
                while i + 8 <= block {
                    let v = base!.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Int32>.self)
                    lanes &-= unsafeBitCast(v .== wanted, to: SIMD8<Int32>.self)
                    i &+= 8
                }
                n &+= Int(lanes.wrappedSum())
                lanes = SIMD8<Int32>()
            }
            while i < l.count { n &+= l[i] == target ? 1 : 0; i &+= 1 }
            return n
        }
    }
}
