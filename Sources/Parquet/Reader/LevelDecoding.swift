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
        // Branch-free min/max so the loop vectorizes.
        var low: Int32 = 0, high: Int32 = 0
        levels.withUnsafeBufferPointer { l in
            for i in start..<l.count {
                low = min(low, l[i])
                high = max(high, l[i])
            }
        }
        if low < 0 || Int(high) > maxLevel {
            throw ParquetError(.malformed, "\(context): a level exceeds the maximum \(maxLevel)")
        }
    }

    static func countEqual(_ levels: [Int32], from start: Int, to value: Int) -> Int {
        let target = Int32(value)
        var n = 0
        levels.withUnsafeBufferPointer { l in
            for i in start..<l.count { n &+= l[i] == target ? 1 : 0 }
        }
        return n
    }
}
