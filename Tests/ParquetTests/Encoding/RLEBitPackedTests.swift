import Testing
@testable import Parquet

@Suite struct RLEBitPackedTests {
    func decode(_ bytes: [UInt8], bitWidth: Int, count: Int) throws -> [Int32] {
        try withBytes(bytes) { raw in
            var decoder = try RLEBitPackedDecoder(raw, bitWidth: bitWidth)
            var out: [Int32] = []
            try decoder.decode(into: &out, count: count)
            return out
        }
    }

    @Test func specBitPackedExample() throws {
        // Encodings.md: 0..7 with bit width 3 pack to 10001000 11000110 11111010; header 1 group.
        let out = try decode([0x03, 0x88, 0xC6, 0xFA], bitWidth: 3, count: 8)
        #expect(out == [0, 1, 2, 3, 4, 5, 6, 7])
        #expect(RLEBitPackedEncoder.encode([0, 1, 2, 3, 4, 5, 6, 7], bitWidth: 3) == [0x03, 0x88, 0xC6, 0xFA])
    }

    @Test func specLegacyBitPackedExample() throws {
        let expected: [Int32] = [0, 1, 2, 3, 4, 5, 6, 7]
        #expect(LegacyBitPacked.encode(expected, bitWidth: 3) == [0x05, 0x39, 0x77])
        var out: [Int32] = []
        let used = try withBytes([0x05, 0x39, 0x77, 0xFF]) { try LegacyBitPacked.decode($0, bitWidth: 3, count: 8, into: &out) }
        #expect(out == expected)
        #expect(used == 3)
        expectParquetError { _ = try withBytes([0x05, 0x39]) { try LegacyBitPacked.decode($0, bitWidth: 3, count: 8, into: &out) } }
    }

    @Test func rleRunAndMixedRuns() throws {
        // RLE run of 10 fives (width 3 → 1 value byte), then a bit-packed group.
        let bytes: [UInt8] = [20, 5, 0x03, 0x88, 0xC6, 0xFA]
        #expect(try decode(bytes, bitWidth: 3, count: 18) == Array(repeating: 5, count: 10) + [0, 1, 2, 3, 4, 5, 6, 7])
        #expect(RLEBitPackedEncoder.encode(Array(repeating: 5, count: 10), bitWidth: 3) == [20, 5])
    }

    @Test func roundTripsEveryWidthInOddBatches() throws {
        var rng = SeededGenerator(seed: 42)
        for width in 0...32 {
            let maxValue: UInt64 = width == 0 ? 0 : (1 << UInt64(width)) - 1
            var values: [Int32] = []
            while values.count < 3000 {
                let v = Int32(truncatingIfNeeded: UInt64.random(in: 0...maxValue, using: &rng))
                let repeats = Bool.random(using: &rng) ? Int.random(in: 1...40, using: &rng) : 1
                values.append(contentsOf: repeatElement(v, count: repeats))
            }
            let encoded = RLEBitPackedEncoder.encode(values, bitWidth: width)
            let decoded: [Int32] = try withBytes(encoded) { raw in
                var decoder = try RLEBitPackedDecoder(raw, bitWidth: width)
                var out: [Int32] = []
                var left = values.count
                var batch = 1
                while left > 0 {
                    let n = min(left, batch)
                    try decoder.decode(into: &out, count: n)
                    left -= n
                    batch = batch * 3 % 97 + 1
                }
                return out
            }
            #expect(decoded == values, "width \(width)")
        }
    }

    @Test func skipThenDecode() throws {
        let values: [Int32] = (0..<500).map { Int32($0 % 7) } + Array(repeating: 3, count: 100)
        let encoded = RLEBitPackedEncoder.encode(values, bitWidth: 3)
        try withBytes(encoded) { raw in
            var decoder = try RLEBitPackedDecoder(raw, bitWidth: 3)
            try decoder.skip(123)
            var out: [Int32] = []
            try decoder.decode(into: &out, count: 477)
            #expect(out == Array(values[123...]))
        }
    }

    @Test func framings() throws {
        let values: [Int32] = [1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]
        let prefixed = RLEBitPackedEncoder.encodeLengthPrefixed(values, bitWidth: 1) + [0xAB, 0xCD]
        try withBytes(prefixed) { raw in
            var (decoder, used) = try RLEBitPackedDecoder.lengthPrefixed(raw, bitWidth: 1)
            #expect(used == prefixed.count - 2)
            var out: [Int32] = []
            try decoder.decode(into: &out, count: values.count)
            #expect(out == values)
        }
        let indices = [UInt8(5)] + RLEBitPackedEncoder.encode([17, 3, 31, 31], bitWidth: 5)
        try withBytes(indices) { raw in
            var decoder = try RLEBitPackedDecoder.dictionaryIndices(raw)
            #expect(decoder.bitWidth == 5)
            var out: [Int32] = []
            try decoder.decode(into: &out, count: 4)
            #expect(out == [17, 3, 31, 31])
        }
        expectParquetError { _ = try withBytes([33, 0, 0]) { try RLEBitPackedDecoder.dictionaryIndices($0) } }
        expectParquetError { _ = try withBytes([9, 0, 0, 0, 1]) { try RLEBitPackedDecoder.lengthPrefixed($0, bitWidth: 1) } }
    }

    @Test func widthZeroWithoutRunsGivesZeros() throws {
        #expect(try decode([], bitWidth: 0, count: 5) == [0, 0, 0, 0, 0])
    }

    @Test func malformedInputThrows() throws {
        expectParquetError("width 33") { _ = try decode([2, 1], bitWidth: 33, count: 1) }
        expectParquetError("truncated run") { _ = try decode([0x03, 0x88], bitWidth: 3, count: 8) }
        expectParquetError("missing runs") { _ = try decode([4, 1], bitWidth: 1, count: 5) }
        expectParquetError("value too wide") { _ = try decode([4, 9], bitWidth: 3, count: 2) }
        expectParquetError("endless varint") { _ = try decode(Array(repeating: 0xFF, count: 12), bitWidth: 1, count: 1) }
        expectParquetError("huge run") { _ = try decode([0xFE, 0xFF, 0xFF, 0xFF, 0x7F, 1], bitWidth: 1, count: 1) }
        // Output is left as it was when decoding fails.
        try withBytes([0x03, 0x88]) { raw in
            var decoder = try RLEBitPackedDecoder(raw, bitWidth: 3)
            var out: [Int32] = [9]
            #expect(throws: ParquetError.self) { try decoder.decode(into: &out, count: 8) }
            #expect(out == [9])
        }
    }

    @Test func randomBytesNeverCrash() {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<3000 {
            let bytes = randomBytes(Int.random(in: 0...40, using: &rng), &rng)
            let width = Int.random(in: 0...32, using: &rng)
            _ = try? decode(bytes, bitWidth: width, count: Int.random(in: 0...300, using: &rng))
            var out: [Int32] = []
            _ = try? withBytes(bytes) { try LegacyBitPacked.decode($0, bitWidth: width, count: 20, into: &out) }
        }
    }
}
