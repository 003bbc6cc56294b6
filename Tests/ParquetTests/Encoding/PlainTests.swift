import Testing
import Columnar
@testable import Parquet

@Suite struct PlainTests {
    @Test func numericRoundTrips() throws {
        var rng = SeededGenerator(seed: 1)
        let ints32: [Int32] = [0, 1, -1, .min, .max] + (0..<100).map { _ in Int32.random(in: .min ... .max, using: &rng) }
        let ints64: [Int64] = [0, 1, -1, .min, .max] + (0..<100).map { _ in Int64.random(in: .min ... .max, using: &rng) }
        let floats: [Float] = [0, -0.0, .infinity, -.infinity, .nan, 1.5]
        let doubles: [Double] = [0, -0.0, .infinity, .greatestFiniteMagnitude, .nan, -2.25]
        var bytes: [UInt8] = []
        PlainEncoding.encode(ints32, into: &bytes)
        PlainEncoding.encode(ints64, into: &bytes)
        PlainEncoding.encode(floats, into: &bytes)
        PlainEncoding.encode(doubles, into: &bytes)
        #expect(bytes.count == ints32.count * 4 + ints64.count * 8 + floats.count * 4 + doubles.count * 8)
        try withBytes(bytes) { raw in
            var at = 0
            var i32: [Int32] = [], i64: [Int64] = [], f: [Float] = [], d: [Double] = []
            at += try PlainDecoding.decodeInt32(raw, count: ints32.count, into: &i32)
            at += try PlainDecoding.decodeInt64(UnsafeRawBufferPointer(rebasing: raw[at...]), count: ints64.count, into: &i64)
            at += try PlainDecoding.decodeFloat(UnsafeRawBufferPointer(rebasing: raw[at...]), count: floats.count, into: &f)
            at += try PlainDecoding.decodeDouble(UnsafeRawBufferPointer(rebasing: raw[at...]), count: doubles.count, into: &d)
            #expect(at == raw.count)
            #expect(i32 == ints32)
            #expect(i64 == ints64)
            #expect(f.map(\.bitPattern) == floats.map(\.bitPattern))
            #expect(d.map(\.bitPattern) == doubles.map(\.bitPattern))
        }
        #expect(bytes.prefix(4) == [0, 0, 0, 0] && bytes[4..<8] == [1, 0, 0, 0])
    }

    @Test func booleans() throws {
        let values: [Bool] = [true, false, true, true, false, false, false, false, true, true, false]
        var bytes: [UInt8] = []
        PlainEncoding.encode(values, into: &bytes)
        #expect(bytes == [0b0000_1101, 0b0000_0011])
        var out: [Bool] = [false]
        let used = try withBytes(bytes) { try PlainDecoding.decodeBooleans($0, count: values.count, into: &out) }
        #expect(used == 2)
        #expect(out == [false] + values)
        expectParquetError { _ = try withBytes(bytes) { try PlainDecoding.decodeBooleans($0, count: 17, into: &out) } }
    }

    @Test func int96() throws {
        // Julian day 2440588 is 1970-01-01; nanos of day come first.
        var bytes: [UInt8] = []
        for (nanos, day) in [(Int64(0), Int32(2_440_588)), (1, 2_440_589), (86_399_999_999_999, 2_440_587)] {
            withUnsafeBytes(of: nanos.littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: day.littleEndian) { bytes.append(contentsOf: $0) }
        }
        var out: [Int64] = []
        let used = try withBytes(bytes) { try PlainDecoding.decodeInt96Timestamps($0, count: 3, into: &out) }
        #expect(used == 36)
        #expect(out == [0, 86_400_000_000_001, -1])
        var encoded: [UInt8] = []
        PlainEncoding.encodeInt96Timestamps(out, into: &encoded)
        #expect(encoded == bytes)
        expectParquetError { _ = try withBytes(Array(bytes.prefix(35))) { try PlainDecoding.decodeInt96Timestamps($0, count: 3, into: &out) } }
    }

    @Test func byteArraysAndFixed() throws {
        var values = ByteArrays()
        for s in ["", "a", "hello", "", "ünïcödé"] { values.append(Array(s.utf8)) }
        var bytes: [UInt8] = []
        PlainEncoding.encode(values, into: &bytes)
        var out = ByteArrays()
        out.append([1, 2, 3])
        let used = try withBytes(bytes) { try PlainDecoding.decodeByteArrays($0, count: values.count, into: &out) }
        #expect(used == bytes.count)
        #expect(out.count == 6)
        #expect((1..<6).map { Array(out[$0]) } == (0..<5).map { Array(values[$0]) })

        // A page slice: values 1..<3 only.
        var slice: [UInt8] = []
        PlainEncoding.encode(values, range: 1..<3, into: &slice)
        #expect(slice == [1, 0, 0, 0, 97, 5, 0, 0, 0] + Array("hello".utf8))

        // Claimed length past the end; cut-off length field; both leave `out` unchanged.
        let before = out
        expectParquetError { _ = try withBytes([5, 0, 0, 0, 1, 2]) { try PlainDecoding.decodeByteArrays($0, count: 1, into: &out) } }
        expectParquetError { _ = try withBytes([0, 0, 0, 0, 1, 2, 3, 4, 0xFF]) { try PlainDecoding.decodeByteArrays($0, count: 2, into: &out) } }
        expectParquetError { _ = try withBytes([0xFF, 0xFF, 0xFF, 0xFF, 0]) { try PlainDecoding.decodeByteArrays($0, count: 1, into: &out) } }
        // A first value that eats the length fields of the values after it: refused before it is
        // copied (the output was reserved for all lengths; found by fuzzing, it used to overrun).
        do {
            _ = try withBytes([8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]) { try PlainDecoding.decodeByteArrays($0, count: 3, into: &out) }
            Issue.record("three values cannot fit in 12 bytes when the first takes 8")
        } catch let error as ParquetError {
            #expect(error.message.contains("leaving too few for the 2 values after it"), "\(error.message)")
        }
        #expect(out == before)

        var fixed: [UInt8] = []
        let n = try withBytes([1, 2, 3, 4, 5, 6, 7]) { try PlainDecoding.decodeFixed($0, width: 3, count: 2, into: &fixed) }
        #expect(n == 6 && fixed == [1, 2, 3, 4, 5, 6])
        expectParquetError { _ = try withBytes([1, 2, 3]) { try PlainDecoding.decodeFixed($0, width: 3, count: 2, into: &fixed) } }
        var wide: [Int64] = []
        expectParquetError { _ = try withBytes([1, 2, 3]) { try PlainDecoding.decodeInt64($0, count: Int.max / 2, into: &wide) } }
    }

    @Test func randomBytesNeverCrash() {
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<2000 {
            let bytes = randomBytes(Int.random(in: 0...64, using: &rng), &rng)
            let count = Int.random(in: 0...20, using: &rng)
            var b = ByteArrays()
            _ = try? withBytes(bytes) { try PlainDecoding.decodeByteArrays($0, count: count, into: &b) }
            var i: [Int64] = []
            _ = try? withBytes(bytes) { try PlainDecoding.decodeInt96Timestamps($0, count: count, into: &i) }
        }
    }
}
