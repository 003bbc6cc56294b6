import Foundation
import Testing
import Columnar
@testable import Parquet

/// Chunk statistics follow the column orders of parquet.thrift (TYPE_ORDER).
@Suite struct WriterStatisticsTests {
    private func statistics(_ columns: [(Field, Column)], options: ParquetWriteOptions = .init()) throws -> [Statistics] {
        let path = WriterFixtures.temporaryPath("stats")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let batch = RecordBatch(schema: Schema(columns.map(\.0)), columns: columns.map(\.1))
        try WriterFixtures.write([batch], to: path, options: options)
        let reader = try ParquetFileReader(path: path)
        return try columns.indices.map { try #require(try reader.columnMetaData(rowGroup: 0, column: $0).statistics) }
    }

    private func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

    @Test func integersSignedAndUnsigned() throws {
        let s = try statistics([
            (Field("i32", .int32), Column(type: .int32, values: .int32([5, -7, 0, 3]), validity: [true, true, false, true])),
            (Field("u32", .uint32), Column(type: .uint32, values: .int32([1, -1, 7, 0]))),        // -1 is 4294967295
            (Field("u64", .uint64), Column(type: .uint64, values: .int64([2, Int64.min, 9, 1]))),
            (Field("i64", .int64), Column(type: .int64, values: .int64([2, Int64.min, 9, 1]))),
            (Field("b", .boolean), Column(type: .boolean, values: .boolean([true, true, true, true]))),
        ])
        #expect(s[0].minValue == le(Int32(-7)) && s[0].maxValue == le(Int32(5)) && s[0].nullCount == 1)
        #expect(s[1].minValue == le(UInt32(0)) && s[1].maxValue == le(UInt32.max) && s[1].nullCount == 0)
        #expect(s[2].minValue == le(UInt64(1)) && s[2].maxValue == le(UInt64(1) << 63))
        #expect(s[3].minValue == le(Int64.min) && s[3].maxValue == le(Int64(9)))
        #expect(s[4].minValue == [1] && s[4].maxValue == [1])
        #expect(s[0].isMinValueExact == true && s[0].isMaxValueExact == true)
        #expect(s[0].nanCount == nil)
    }

    @Test func floatsExcludeNaNAndNormalizeZeros() throws {
        let s = try statistics([
            (Field("f", .float32), Column(type: .float32, values: .float32([.nan, 0.0, 2.5, -0.0]))),
            (Field("d", .float64), Column(type: .float64, values: .float64([-0.0, -3, .nan, 0.0]))),
            (Field("n", .float64), Column(type: .float64, values: .float64([.nan, .nan, .nan, .nan]))),
            (Field("h", .float16), Column(type: .float16, values: .fixed(width: 2, data: [0x00, 0x7E, 0x00, 0x3C, 0x00, 0x80, 0x00, 0x3C]))), // NaN, 1, -0, 1
        ])
        #expect(s[0].minValue == le((-0.0 as Float).bitPattern) && s[0].maxValue == le((2.5 as Float).bitPattern))
        #expect(s[0].nanCount == 1)
        #expect(s[1].minValue == le((-3.0).bitPattern) && s[1].maxValue == le((0.0).bitPattern))
        #expect(s[2].minValue == nil && s[2].maxValue == nil && s[2].nanCount == 4)
        #expect(s[3].minValue == [0x00, 0x80] && s[3].maxValue == [0x00, 0x3C] && s[3].nanCount == 1)
    }

    @Test func bytesUnsignedAndDecimalsSigned() throws {
        var strings = ByteArrays()
        for s in ["b", "\u{e9}", "a", "ab", ""] { strings.append(Array(s.utf8)) }
        let wide = DataType.decimal(precision: 20, scale: 0)
        // Big-endian two's complement of width 9: -1, 5, -300.
        let decimals: [UInt8] = [UInt8](repeating: 0xFF, count: 9) + [UInt8](repeating: 0, count: 8) + [5] + [UInt8](repeating: 0xFF, count: 7) + [0xFE, 0xD4]
        let s = try statistics([(Field("s", .string), Column(type: .string, values: .bytes(strings)))])
            + statistics([(Field("d", wide), Column(type: wide, values: .fixed(width: 9, data: decimals)))])
        #expect(s[0].minValue == [] && s[0].maxValue == Array("\u{e9}".utf8))
        #expect(s[1].minValue == [UInt8](repeating: 0xFF, count: 7) + [0xFE, 0xD4])
        #expect(s[1].maxValue == [UInt8](repeating: 0, count: 8) + [5])
    }

    @Test func oversizedValuesAreLeftOut() throws {
        var strings = ByteArrays()
        strings.append([UInt8](repeating: 65, count: 5000))
        strings.append([66])
        let s = try statistics([(Field("s", .binary), Column(type: .binary, values: .bytes(strings)))])
        #expect(s[0].minValue == nil && s[0].nullCount == 0)
    }
}

/// The output path holds a complete file or nothing.
@Suite struct WriterAtomicityTests {
    @Test func errorRemovesTheTemporaryFile() throws {
        let path = WriterFixtures.temporaryPath("atomic")
        let schema = Schema([Field("x", .int64, nullable: false)])
        let writer = try ParquetFileWriter(path: path, schema: schema)
        #expect(WriterFixtures.leftovers(of: path).count == 1)   // the temporary file
        let bad = RecordBatch(schema: schema, columns: [Column(type: .int64, values: .int64([1, 2]), validity: [true, false])])
        let error = try #require(throws: ParquetError.self) { try writer.write(bad) }
        #expect(error.code == .invalidArgument)
        #expect(WriterFixtures.leftovers(of: path).isEmpty)
        #expect(throws: ParquetError.self) { try writer.close() }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func droppedWriterLeavesNothing() throws {
        let path = WriterFixtures.temporaryPath("dropped")
        do {
            let writer = try ParquetFileWriter(path: path, schema: Schema([Field("x", .int64)]))
            try writer.write(RecordBatch(schema: writer.schema, columns: [Column(type: .int64, values: .int64([1, 2, 3]))]))
            #expect(WriterFixtures.leftovers(of: path).count == 1)
        }
        #expect(WriterFixtures.leftovers(of: path).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func closeReplacesAnExistingFileAtomically() throws {
        let path = WriterFixtures.temporaryPath("replace")
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: Data("old".utf8))
        let writer = try ParquetFileWriter(path: path, schema: Schema([Field("x", .int64)]))
        try writer.write(RecordBatch(schema: writer.schema, columns: [Column(type: .int64, values: .int64([7]))]))
        #expect(FileManager.default.contents(atPath: path) == Data("old".utf8))
        try writer.close()
        #expect(try ParquetFileReader(path: path).numRows == 1)
        #expect(WriterFixtures.leftovers(of: path) == [URL(fileURLWithPath: path).lastPathComponent])
    }

    @Test func rejectsBadInput() throws {
        let path = WriterFixtures.temporaryPath("bad")
        #expect(throws: ParquetError.self) { _ = try ParquetFileWriter(path: path, schema: Schema([Field("l", .list(Field("e", .int32)))])) }
        #expect(throws: ParquetError.self) { _ = try ParquetFileWriter(path: path, schema: Schema([Field("a", .int32), Field("a", .int64)])) }
        #expect(throws: ParquetError.self) { _ = try ParquetFileWriter(path: path, schema: Schema([])) }
        #expect(throws: ParquetError.self) { _ = try ParquetFileWriter(path: path, schema: Schema([Field("a", .int32)]), options: .init(rowGroupRows: 0)) }
        #expect(throws: ParquetError.self) { _ = try ParquetFileWriter(path: "/nonexistent-dir/x.parquet", schema: Schema([Field("a", .int32)])) }
        let writer = try ParquetFileWriter(path: path, schema: Schema([Field("a", .int32)]))
        let wrongType = RecordBatch(schema: Schema([Field("a", .int64)]), columns: [Column(type: .int64, values: .int64([1]))])
        #expect(throws: ParquetError.self) { try writer.write(wrongType) }
        let wrongStorage = RecordBatch(schema: Schema([Field("a", .int32)]), columns: [Column(type: .int32, values: .float64([1]))])
        let fresh = try ParquetFileWriter(path: path, schema: Schema([Field("a", .int32)]))
        #expect(throws: ParquetError.self) { try fresh.write(wrongStorage) }
        #expect(WriterFixtures.leftovers(of: path).isEmpty)
    }
}
