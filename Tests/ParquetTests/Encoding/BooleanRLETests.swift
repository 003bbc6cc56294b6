import Testing
@testable import Parquet

@Suite struct BooleanRLETests {
    @Test func roundTrip() throws {
        var rng = SeededGenerator(seed: 29)
        for n in [0, 1, 8, 9, 5000] {
            var values: [Bool] = []
            while values.count < n {
                values.append(contentsOf: repeatElement(Bool.random(using: &rng), count: min(n - values.count, Int.random(in: 1...20, using: &rng))))
            }
            var bytes: [UInt8] = []
            BooleanRLE.encode(values, into: &bytes)
            var out: [Bool] = []
            let used = try withBytes(bytes + [7]) { try BooleanRLE.decode($0, count: n, into: &out) }
            #expect(used == bytes.count)
            #expect(out == values)
        }
    }

    @Test func knownBytes() throws {
        // Length 2, then an RLE run of 5 trues (header 10, value byte 1).
        var out: [Bool] = []
        try withBytes([2, 0, 0, 0, 10, 1]) { _ = try BooleanRLE.decode($0, count: 5, into: &out) }
        #expect(out == [true, true, true, true, true])
    }

    @Test func malformedThrows() {
        var out: [Bool] = []
        expectParquetError("length past end") { _ = try withBytes([9, 0, 0, 0, 10, 1]) { try BooleanRLE.decode($0, count: 5, into: &out) } }
        expectParquetError("too few values") { _ = try withBytes([2, 0, 0, 0, 10, 1]) { try BooleanRLE.decode($0, count: 6, into: &out) } }
        expectParquetError("value 2 in width 1") { _ = try withBytes([2, 0, 0, 0, 10, 2]) { try BooleanRLE.decode($0, count: 5, into: &out) } }
        expectParquetError("no prefix") { _ = try withBytes([2, 0]) { try BooleanRLE.decode($0, count: 1, into: &out) } }
    }
}
