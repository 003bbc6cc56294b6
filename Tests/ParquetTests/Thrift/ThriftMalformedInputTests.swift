import Testing
@testable import Parquet

@Suite("Thrift decoding of hostile input")
struct ThriftMalformedInputTests {
    /// Decoding must either succeed or throw ParquetError; anything else (a crash) fails the run.
    private func survives<T: ThriftDecodable>(_: T.Type, _ bytes: [UInt8]) -> Bool {
        do { _ = try T.decode(from: bytes); return true } catch is ParquetError { return false } catch {
            Issue.record("non-ParquetError thrown: \(error)")
            return false
        }
    }

    @Test(arguments: ["alltypes_plain.parquet", "nested_maps.snappy.parquet", "datapage_v2.snappy.parquet"])
    func everyTruncatedFooterThrows(name: String) throws {
        let footer = Array(try ThriftTestVectors.footer(of: ThriftTestVectors.bytes("plain/\(name)")).bytes)
        for cut in 0 ..< footer.count {
            #expect(throws: ParquetError.self) { try FileMetaData.decode(from: footer[..<cut]) }
        }
    }

    @Test func randomBytesNeverCrash() {
        var rng = SeededGenerator(seed: 0x5EED_7A11)
        var decoded = 0
        for _ in 0 ..< 20_000 {
            let count = Int.random(in: 0 ... 300, using: &rng)
            let bytes = (0 ..< count).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
            if survives(FileMetaData.self, bytes) { decoded += 1 }
            if survives(PageHeader.self, bytes) { decoded += 1 }
            if survives(FileCryptoMetaData.self, bytes) { decoded += 1 }
        }
        #expect(decoded < 60_000)
    }

    @Test(arguments: ["alltypes_plain.parquet", "data_index_bloom_encoding_stats.parquet"])
    func bitFlippedFootersNeverCrash(name: String) throws {
        let footer = Array(try ThriftTestVectors.footer(of: ThriftTestVectors.bytes("plain/\(name)")).bytes)
        var rng = SeededGenerator(seed: 42)
        for _ in 0 ..< 3_000 {
            var bytes = footer
            for _ in 0 ..< Int.random(in: 1 ... 4, using: &rng) {
                let i = Int.random(in: 0 ..< bytes.count, using: &rng)
                bytes[i] ^= 1 << UInt8.random(in: 0 ... 7, using: &rng)
            }
            _ = survives(FileMetaData.self, bytes)
        }
    }

    @Test func deeplyNestedStructsThrow() {
        // Field 1 of type struct, nested 100 000 times, inside an unknown field of FileMetaData.
        let bytes = [UInt8](repeating: 0xFC, count: 1) + [0x40] + [UInt8](repeating: 0x1C, count: 100_000)
        #expect(throws: ParquetError(.malformed, "")) { try FileMetaData.decode(from: bytes) }
        // Nested lists: list<list<list<...>>> one element each.
        let lists = [UInt8]([0xF9, 0x40]) + [UInt8](repeating: 0x19, count: 100_000)
        #expect(throws: ParquetError(.malformed, "")) { try FileMetaData.decode(from: lists) }
        // Known structure recursion cannot go deep; unknown map values can.
        let maps = [UInt8]([0xFB, 0x40]) + Array([[UInt8]](repeating: [0x01, 0x5B, 0x00], count: 50_000).joined())
        #expect(throws: ParquetError(.malformed, "")) { try FileMetaData.decode(from: maps) }
    }

    @Test func hugeLengthsThrowWithoutAllocating() {
        // created_by (field 6, binary) claiming 2^62 bytes.
        let binary: [UInt8] = [0x68, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]
        #expect(throws: ParquetError(.truncated, "")) { try FileMetaData.decode(from: binary) }
        // schema (field 2) list of Int32.max structs.
        let list: [UInt8] = [0x29, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00]
        #expect(throws: ParquetError(.truncated, "")) { try FileMetaData.decode(from: list) }
        // Unknown map field claiming 2^31 entries.
        let map: [UInt8] = [0xFB, 0x40, 0x80, 0x80, 0x80, 0x80, 0x08, 0x55]
        #expect(throws: ParquetError.self) { try FileMetaData.decode(from: map) }
    }

    @Test func fieldIDOverflowAndBadTypesThrow() {
        // Long-form id 32767 then a delta of 1.
        let overflow: [UInt8] = [0x05, 0xFE, 0xFF, 0x03, 0x00, 0x15, 0x00, 0x00]
        #expect(throws: ParquetError(.malformed, "")) { try KeyValue.decode(from: overflow) }
        // Field type 14 does not exist.
        #expect(throws: ParquetError(.malformed, "")) { try KeyValue.decode(from: [0x1E, 0x00]) }
        // path_in_schema declared as list<i32>.
        var w = ThriftCompactWriter()
        let s = w.beginStruct(); w.writeI32ListField(1, [1]); w.endStruct(s)
        #expect(throws: ParquetError(.malformed, "")) { try ColumnCryptoMetaData.decode(from: [0x2C] + w.bytes + [0x00]) }
    }
}
