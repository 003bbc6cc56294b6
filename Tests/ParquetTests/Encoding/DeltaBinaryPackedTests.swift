import Testing
@testable import Parquet

@Suite struct DeltaBinaryPackedTests {
    func decode64(_ bytes: [UInt8]) throws -> (values: [Int64], used: Int) {
        try withBytes(bytes) { raw in
            var d = try DeltaBinaryPackedDecoder(raw)
            var out: [Int64] = []
            let used = try d.decodeAll(into: &out)
            return (out, used)
        }
    }

    @Test func specExample2WithValidBlockSize() throws {
        // Encodings.md example 2 (7, 5, 3, 1, 2, 3, 4, 5), with a legal block of 128 in 4 miniblocks:
        // header 128, 4, 8, zigzag(7); block: zigzag(-2), widths 2,0,0,0, then 32 two-bit deltas.
        let bytes: [UInt8] = [0x80, 0x01, 4, 8, 14, 3, 2, 0, 0, 0, 0xC0, 0x3F, 0, 0, 0, 0, 0, 0]
        let (values, used) = try decode64(bytes + [0xEE])
        #expect(values == [7, 5, 3, 1, 2, 3, 4, 5])
        #expect(used == bytes.count)
        var encoded: [UInt8] = []
        DeltaBinaryPackedEncoder.encode([Int64(7), 5, 3, 1, 2, 3, 4, 5], into: &encoded)
        #expect(encoded == bytes)
    }

    @Test func specExample1AndHeaderOnly() throws {
        // 1...5: min delta 1, width 0, so the block is just its header.
        let bytes: [UInt8] = [0x80, 0x01, 4, 5, 2, 2, 0, 0, 0, 0]
        #expect(try decode64(bytes) == ([1, 2, 3, 4, 5], bytes.count))
        // Count 0 and count 1: header only.
        #expect(try decode64([0x80, 0x01, 4, 0, 0]) == ([], 5))
        #expect(try decode64([0x80, 0x01, 4, 1, 3]) == ([-2], 5))
    }

    @Test func roundTrips() throws {
        var rng = SeededGenerator(seed: 11)
        var cases: [[Int64]] = [[], [Int64.min], [Int64.max, Int64.min, Int64.max, 0, Int64.min],
                                Array(0..<129), Array(repeating: 3, count: 1000)]
        for n in [2, 31, 32, 33, 127, 128, 129, 257, 1000, 4097] {
            cases.append((0..<n).map { _ in Int64.random(in: .min ... .max, using: &rng) })
            cases.append((0..<n).map { _ in Int64.random(in: -100...100, using: &rng) })
        }
        for values in cases {
            var bytes: [UInt8] = []
            DeltaBinaryPackedEncoder.encode(values, into: &bytes)
            let (decoded, used) = try decode64(bytes + [1, 2, 3])
            #expect(decoded == values)
            #expect(used == bytes.count)

            let narrow = values.map { Int32(truncatingIfNeeded: $0) }
            var narrowBytes: [UInt8] = []
            DeltaBinaryPackedEncoder.encode(narrow, into: &narrowBytes)
            try withBytes(narrowBytes) { raw in
                var d = try DeltaBinaryPackedDecoder(raw)
                var out: [Int32] = []
                // Odd batch sizes cross chunk, miniblock and block boundaries.
                var batch = 1
                while d.remaining > 0 {
                    try d.decode(into: &out, count: min(batch, d.remaining))
                    batch = batch * 5 % 71 + 1
                }
                #expect(out == narrow)
                #expect(d.bytesConsumed == narrowBytes.count)
            }
        }
    }

    @Test func int32DeltasStayWithin32Bits() throws {
        var bytes: [UInt8] = []
        DeltaBinaryPackedEncoder.encode([Int32.min, .max, .min, .max, 0], into: &bytes)
        // header 5 bytes (128 = 2 bytes, 4, 5, zigzag(min) = 5 bytes) → min delta, then widths.
        try withBytes(bytes) { raw in
            var c = ByteCursor(raw, context: "test")
            for _ in 0..<3 { _ = try c.readULEB128("h") }
            _ = try c.readZigZag("first")
            _ = try c.readZigZag("min delta")
            #expect(try c.readByte("width") <= 32)
        }
    }

    @Test func widthUpTo64AndLenientLastMiniblock() throws {
        // Width 64 miniblock holding the deltas Int64.max and 1 (min delta 0), cut after 2 values.
        var bytes: [UInt8] = [0x80, 0x01, 4, 3, 0, 0, 64, 0, 0, 0]
        withUnsafeBytes(of: UInt64(Int64.max).littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(1).littleEndian) { bytes.append(contentsOf: $0) }
        let (values, used) = try decode64(bytes)
        #expect(values == [0, Int64.max, Int64.min])
        #expect(used == bytes.count)
    }

    @Test func arbitraryPaddingBitsAndUnusedWidths() throws {
        // Example 2 again, padding bits set and a garbage width (99) for unused miniblocks.
        let bytes: [UInt8] = [0x80, 0x01, 4, 8, 14, 3, 2, 99, 99, 99, 0xC0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        #expect(try decode64(bytes).values == [7, 5, 3, 1, 2, 3, 4, 5])
    }

    @Test func malformedHeadersThrow() {
        expectParquetError("block 100") { _ = try decode64([100, 4, 1, 0]) }
        expectParquetError("block 0") { _ = try decode64([0, 4, 1, 0]) }
        expectParquetError("miniblock 3") { _ = try decode64([0x80, 0x01, 3, 1, 0]) }
        expectParquetError("miniblock of 16") { _ = try decode64([0x80, 0x01, 8, 1, 0]) }
        expectParquetError("width 65") { _ = try decode64([0x80, 0x01, 4, 3, 0, 0, 65, 0, 0, 0] + Array(repeating: 0, count: 300)) }
        expectParquetError("absurd count") { _ = try decode64([0x80, 0x01, 4, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0, 0, 0, 0, 0, 0]) }
        expectParquetError("count over 2^31") { _ = try decode64([0x80, 0x01, 4, 0x80, 0x80, 0x80, 0x80, 0x10, 0]) }
        expectParquetError("truncated miniblock") { _ = try decode64([0x80, 0x01, 4, 8, 14, 3, 2, 0, 0, 0, 0xC0]) }
        expectParquetError("truncated header") { _ = try decode64([0x80, 0x01, 4]) }
        expectParquetError("asks past the run") {
            try withBytes([0x80, 0x01, 4, 1, 3]) { raw in
                var d = try DeltaBinaryPackedDecoder(raw)
                var out: [Int64] = []
                try d.decode(into: &out, count: 2)
            }
        }
    }

    @Test func randomBytesNeverCrash() {
        var rng = SeededGenerator(seed: 13)
        for i in 0..<4000 {
            var bytes = randomBytes(Int.random(in: 0...80, using: &rng), &rng)
            if i % 2 == 0 && bytes.count > 4 { bytes[0] = 0x80; bytes[1] = 0x01; bytes[2] = 4; bytes[3] = UInt8.random(in: 0...127, using: &rng) }
            _ = try? decode64(bytes)
        }
    }
}
