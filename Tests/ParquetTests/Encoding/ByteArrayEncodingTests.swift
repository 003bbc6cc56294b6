import Testing
import Columnar
@testable import Parquet

@Suite struct ByteArrayEncodingTests {
    func arrays(_ strings: [String]) -> ByteArrays {
        var b = ByteArrays()
        for s in strings { b.append(Array(s.utf8)) }
        return b
    }

    @Test func deltaLengthSpecExample() throws {
        let values = arrays(["Hello", "World", "Foobar", "ABCDEF"])
        var bytes: [UInt8] = []
        DeltaLengthByteArray.encode(values, into: &bytes)
        var lengths: [Int64] = []
        let lengthBytes = try withBytes(bytes) { raw in
            var d = try DeltaBinaryPackedDecoder(raw)
            return try d.decodeAll(into: &lengths)
        }
        #expect(lengths == [5, 5, 6, 6])
        #expect(Array(bytes[lengthBytes...]) == Array("HelloWorldFoobarABCDEF".utf8))
        var out = ByteArrays()
        let used = try withBytes(bytes + [9]) { try DeltaLengthByteArray.decode($0, count: 4, into: &out) }
        #expect(used == bytes.count)
        #expect(out == values)
    }

    @Test func deltaByteArraySpecExample() throws {
        let values = arrays(["axis", "axle", "babble", "babyhood"])
        var bytes: [UInt8] = []
        DeltaByteArray.encode(values, into: &bytes)
        try withBytes(bytes) { raw in
            var prefixes: [Int32] = []
            var d = try DeltaBinaryPackedDecoder(raw)
            let at = try d.decodeAll(into: &prefixes)
            #expect(prefixes == [0, 2, 0, 3])
            var suffixes: [Int32] = []
            var s = try DeltaBinaryPackedDecoder(UnsafeRawBufferPointer(rebasing: raw[at...]))
            let at2 = try s.decodeAll(into: &suffixes)
            #expect(suffixes == [4, 2, 6, 5])
            #expect(Array(raw[(at + at2)...]) == Array("axislebabbleyhood".utf8))
        }
        var out = arrays(["keep"])
        let used = try withBytes(bytes) { try DeltaByteArray.decode($0, count: 4, into: &out) }
        #expect(used == bytes.count)
        #expect(out == arrays(["keep", "axis", "axle", "babble", "babyhood"]))
    }

    @Test func roundTripsWithRandomData() throws {
        var rng = SeededGenerator(seed: 17)
        for n in [0, 1, 2, 129, 1000] {
            var values = ByteArrays()
            var previous: [UInt8] = []
            for _ in 0..<n {
                let keep = Int.random(in: 0...previous.count, using: &rng)
                let v = Array(previous.prefix(keep)) + randomBytes(Int.random(in: 0...12, using: &rng), &rng)
                values.append(v)
                previous = v
            }
            var dlba: [UInt8] = [], dba: [UInt8] = []
            DeltaLengthByteArray.encode(values, into: &dlba)
            DeltaByteArray.encode(values, into: &dba)
            var a = ByteArrays(), b = ByteArrays()
            #expect(try withBytes(dlba) { try DeltaLengthByteArray.decode($0, count: n, into: &a) } == dlba.count)
            #expect(try withBytes(dba) { try DeltaByteArray.decode($0, count: n, into: &b) } == dba.count)
            #expect(a == values)
            #expect(b == values)
        }
    }

    @Test func fixedLength() throws {
        let data: [UInt8] = [1, 2, 3, 1, 2, 4, 9, 9, 9]
        var bytes: [UInt8] = []
        DeltaByteArray.encodeFixed(data, width: 3, into: &bytes)
        var out: [UInt8] = []
        try withBytes(bytes) { _ = try DeltaByteArray.decodeFixed($0, width: 3, count: 3, into: &out) }
        #expect(out == data)
        expectParquetError { try withBytes(bytes) { _ = try DeltaByteArray.decodeFixed($0, width: 2, count: 3, into: &out) } }
    }

    @Test func malformedThrows() {
        // Prefix 1 for the first value: longer than the (empty) previous value.
        var bytes: [UInt8] = []
        DeltaBinaryPackedEncoder.encode([Int32(1)], into: &bytes)
        DeltaBinaryPackedEncoder.encode([Int32(2)], into: &bytes)
        bytes += [65, 66]
        var out = ByteArrays()
        expectParquetError("prefix too long") { try withBytes(bytes) { _ = try DeltaByteArray.decode($0, count: 1, into: &out) } }
        // Suffix bytes missing.
        var short: [UInt8] = []
        DeltaLengthByteArray.encode(arrays(["hello"]), into: &short)
        expectParquetError("missing bytes") { try withBytes(Array(short.dropLast())) { _ = try DeltaLengthByteArray.decode($0, count: 1, into: &out) } }
        // Negative length.
        var negative: [UInt8] = []
        DeltaBinaryPackedEncoder.encode([Int32(-3)], into: &negative)
        expectParquetError("negative length") { try withBytes(negative + [1, 2, 3]) { _ = try DeltaLengthByteArray.decode($0, count: 1, into: &out) } }
        // More values asked than present; mismatched counts of prefixes and suffixes.
        expectParquetError("count") { try withBytes(short) { _ = try DeltaLengthByteArray.decode($0, count: 2, into: &out) } }
        var mismatch: [UInt8] = []
        DeltaBinaryPackedEncoder.encode([Int32(0), 0], into: &mismatch)
        DeltaBinaryPackedEncoder.encode([Int32(1)], into: &mismatch)
        expectParquetError("mismatch") { try withBytes(mismatch + [1]) { _ = try DeltaByteArray.decode($0, count: 1, into: &out) } }
        #expect(out.count == 0)

        var rng = SeededGenerator(seed: 19)
        for _ in 0..<2000 {
            let junk = [0x80, 0x01, 4] + randomBytes(Int.random(in: 0...60, using: &rng), &rng)
            _ = try? withBytes(junk) { try DeltaByteArray.decode($0, count: 3, into: &out) }
            _ = try? withBytes(junk) { try DeltaLengthByteArray.decode($0, count: 3, into: &out) }
        }
    }
}
