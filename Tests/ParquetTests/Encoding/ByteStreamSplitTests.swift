import Testing
@testable import Parquet

@Suite struct ByteStreamSplitTests {
    @Test func specExample() throws {
        let elements: [UInt8] = [0xAA, 0xBB, 0xCC, 0xDD, 0x00, 0x11, 0x22, 0x33, 0xA3, 0xB4, 0xC5, 0xD6]
        let split: [UInt8] = [0xAA, 0x00, 0xA3, 0xBB, 0x11, 0xB4, 0xCC, 0x22, 0xC5, 0xDD, 0x33, 0xD6]
        var encoded: [UInt8] = []
        elements.withUnsafeBytes { ByteStreamSplit.encode($0, width: 4, into: &encoded) }
        #expect(encoded == split)
        var raw: [UInt8] = []
        try withBytes(split) { try ByteStreamSplit.decode($0, width: 4, count: 3, into: &raw) }
        #expect(raw == elements)
        var floats: [Float] = []
        try withBytes(split) { try ByteStreamSplit.decode($0, count: 3, into: &floats) }
        #expect(floats.map(\.bitPattern) == [0xDDCC_BBAA, 0x3322_1100, 0xD6C5_B4A3])
    }

    @Test func typedRoundTrips() throws {
        var rng = SeededGenerator(seed: 23)
        for n in [0, 1, 7, 1000] {
            let d: [Double] = (0..<n).map { _ in Double(bitPattern: rng.next()) }
            let f: [Float] = (0..<n).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())) }
            let i: [Int32] = (0..<n).map { _ in Int32(truncatingIfNeeded: rng.next()) }
            let l: [Int64] = (0..<n).map { _ in Int64(bitPattern: rng.next()) }
            var bd: [UInt8] = [], bf: [UInt8] = [], bi: [UInt8] = [], bl: [UInt8] = []
            ByteStreamSplit.encode(d, into: &bd)
            ByteStreamSplit.encode(f, into: &bf)
            ByteStreamSplit.encode(i, into: &bi)
            ByteStreamSplit.encode(l, into: &bl)
            var od: [Double] = [], of: [Float] = [], oi: [Int32] = [], ol: [Int64] = []
            try withBytes(bd) { try ByteStreamSplit.decode($0, count: n, into: &od) }
            try withBytes(bf) { try ByteStreamSplit.decode($0, count: n, into: &of) }
            try withBytes(bi) { try ByteStreamSplit.decode($0, count: n, into: &oi) }
            try withBytes(bl) { try ByteStreamSplit.decode($0, count: n, into: &ol) }
            #expect(od.map(\.bitPattern) == d.map(\.bitPattern))
            #expect(of.map(\.bitPattern) == f.map(\.bitPattern))
            #expect(oi == i)
            #expect(ol == l)
        }
        // FIXED_LEN_BYTE_ARRAY of width 3 and float16 (width 2).
        for width in [2, 3, 16] {
            let data = randomBytes(width * 37, &rng)
            var enc: [UInt8] = []
            data.withUnsafeBytes { ByteStreamSplit.encode($0, width: width, into: &enc) }
            var dec: [UInt8] = []
            try withBytes(enc) { try ByteStreamSplit.decode($0, width: width, count: 37, into: &dec) }
            #expect(dec == data)
        }
    }

    @Test func wrongSizeThrows() {
        var out: [Double] = []
        expectParquetError { try withBytes(Array(repeating: 0, count: 15)) { try ByteStreamSplit.decode($0, count: 2, into: &out) } }
        expectParquetError { try withBytes(Array(repeating: 0, count: 17)) { try ByteStreamSplit.decode($0, count: 2, into: &out) } }
        var raw: [UInt8] = []
        expectParquetError { try withBytes([1, 2]) { try ByteStreamSplit.decode($0, width: 0, count: 2, into: &raw) } }
        expectParquetError { try withBytes([1, 2]) { try ByteStreamSplit.decode($0, width: Int.max, count: 2, into: &raw) } }
    }
}
