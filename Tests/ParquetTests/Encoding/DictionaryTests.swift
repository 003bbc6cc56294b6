import Testing
import Columnar
@testable import Parquet

@Suite struct DictionaryTests {
    @Test func numericBuildAndGather() throws {
        var rng = SeededGenerator(seed: 5)
        let values: [Int64] = (0..<5000).map { _ in [Int64.min, .max, 0, -1, 42][Int.random(in: 0..<5, using: &rng)] &+ Int64.random(in: 0..<50, using: &rng) }
        var builder = DictionaryBuilder<Int64>(byteLimit: 1 << 20)
        #expect(builder.append(values) == values.count)
        #expect(builder.dictionary.count == Set(values).count)
        #expect(builder.dictionaryByteSize == builder.dictionary.count * 8)
        #expect(builder.indexBitWidth == 64 - UInt64(builder.dictionary.count - 1).leadingZeroBitCount)
        let indices = builder.takeIndices()
        #expect(builder.indices.isEmpty)

        // Through the real page format: bit width byte, RLE hybrid, then gather.
        let page = [UInt8(builder.indexBitWidth)] + RLEBitPackedEncoder.encode(indices, bitWidth: builder.indexBitWidth)
        let decoded: [Int32] = try withBytes(page) { raw in
            var d = try RLEBitPackedDecoder.dictionaryIndices(raw)
            var out: [Int32] = []
            try d.decode(into: &out, count: values.count)
            return out
        }
        var out: [Int64] = []
        try DictionaryGather.gather(builder.dictionary, indices: decoded, into: &out)
        #expect(out == values)
    }

    @Test func floatsCompareByBitPattern() throws {
        var builder = DictionaryBuilder<Double>(byteLimit: 1000)
        let values: [Double] = [0.0, -0.0, .nan, .nan, 1.0, 0.0]
        #expect(builder.append(values) == 6)
        #expect(builder.dictionary.count == 4)
        #expect(builder.indices == [0, 1, 2, 2, 3, 0])
        var out: [Double] = []
        try DictionaryGather.gather(builder.dictionary, indices: builder.indices, into: &out)
        #expect(out.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test func byteLimitStopsEarly() {
        var builder = DictionaryBuilder<Int32>(byteLimit: 12)   // room for 3 entries
        #expect(builder.append([1, 2, 1, 3, 3, 4, 1]) == 5)
        #expect(builder.dictionary == [1, 2, 3])
        #expect(builder.indices == [0, 1, 0, 2, 2])

        var strings = ByteArrayDictionaryBuilder(byteLimit: 4 + 5 + 4 + 5)
        var values = ByteArrays()
        for s in ["hello", "world", "hello", "again"] { values.append(Array(s.utf8)) }
        #expect(strings.append(values, range: 0..<4) == 3)
        #expect(strings.dictionary.count == 2)
        #expect(strings.dictionaryByteSize == 18)
    }

    @Test func byteArraysBuildAndGather() throws {
        var rng = SeededGenerator(seed: 9)
        var values = ByteArrays()
        for _ in 0..<3000 {
            let n = Int.random(in: 0..<30, using: &rng)
            values.append((0..<Int.random(in: 0...20, using: &rng)).map { UInt8(truncatingIfNeeded: $0 &* n) })
        }
        var builder = ByteArrayDictionaryBuilder(byteLimit: 1 << 20)
        #expect(builder.append(values, range: 0..<values.count) == values.count)
        #expect(builder.dictionary.count == Set((0..<values.count).map { Array(values[$0]) }).count)
        var out = ByteArrays()
        try builder.indices.withUnsafeBufferPointer { try DictionaryGather.gather(builder.dictionary, indices: $0, into: &out) }
        #expect(out == values)

        let fixed: [UInt8] = [1, 2, 3, 4, 1, 2, 9, 9, 3, 4]
        var f = ByteArrayDictionaryBuilder(byteLimit: 100)
        #expect(f.appendFixed(fixed, width: 2, first: 0, count: 5) == 5)
        #expect(f.indices == [0, 1, 0, 2, 1])
        #expect(f.dictionaryByteSize == 6)
        var fo: [UInt8] = []
        try f.indices.withUnsafeBufferPointer { try DictionaryGather.gatherFixed(f.dictionary.data, width: 2, indices: $0, into: &fo) }
        #expect(fo == fixed)
    }

    @Test func badIndexThrows() throws {
        var out: [Int32] = [7]
        expectParquetError { try DictionaryGather.gather([10, 20], indices: [0, 2], into: &out) }
        expectParquetError { try DictionaryGather.gather([10, 20], indices: [-1], into: &out) }
        expectParquetError { try DictionaryGather.gather([Int32](), indices: [0], into: &out) }
        #expect(out == [7])
        var b = ByteArrays()
        var dict = ByteArrays()
        dict.append([1])
        expectParquetError { try [Int32(1)].withUnsafeBufferPointer { try DictionaryGather.gather(dict, indices: $0, into: &b) } }
        var f: [UInt8] = []
        expectParquetError { try [Int32(2)].withUnsafeBufferPointer { try DictionaryGather.gatherFixed([1, 2, 3, 4], width: 2, indices: $0, into: &f) } }
    }
}
