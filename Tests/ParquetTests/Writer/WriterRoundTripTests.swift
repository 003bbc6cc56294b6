import Foundation
import Testing
import Columnar
@testable import Parquet

@Suite struct WriterRoundTripTests {
    static let codecs: [CompressionCodec] = [.uncompressed, .snappy, .zstd, .gzip]

    @Test(arguments: codecs, [ParquetWriteOptions.DataPageVersion.v1, .v2])
    func allTypesWithNulls(codec: CompressionCodec, version: ParquetWriteOptions.DataPageVersion) throws {
        let path = WriterFixtures.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let batch = WriterFixtures.allTypesBatch(rows: 3000, seed: UInt64(codec.rawValue) + 10)
        try WriterFixtures.write([batch], to: path, options: .init(codec: codec, dataPageRows: 700, dataPageVersion: version))
        let back = try WriterFixtures.readBack(path)
        WriterFixtures.expectSameRows(back, batch)
        #expect(back.schema == batch.schema)
        let reader = try ParquetFileReader(path: path)
        #expect(reader.metadata.createdBy == "strongroom version 0.1.0")
        #expect(reader.metadata.columnOrders?.count == batch.columns.count)
        let meta = try reader.columnMetaData(rowGroup: 0, column: 0)
        #expect(meta.codec == codec)
        let pageType: PageType = version == .v1 ? .dataPage : .dataPageV2
        #expect(meta.encodingStats?.contains { $0.pageType == pageType && $0.count == 5 } == true)
    }

    @Test func noNullsAndRequiredColumns() throws {
        let path = WriterFixtures.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var batch = WriterFixtures.allTypesBatch(rows: 1000, nullEvery: 0)
        batch.schema.fields = batch.schema.fields.map { Field($0.name, $0.type, nullable: false) }
        try WriterFixtures.write([batch], to: path)
        let back = try WriterFixtures.readBack(path)
        WriterFixtures.expectSameRows(back, batch)
        #expect(back.schema.fields.allSatisfy { !$0.nullable })
    }

    @Test func multipleRowGroupsAndPages() throws {
        let path = WriterFixtures.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let batches = (0..<3).map { WriterFixtures.allTypesBatch(rows: 1500, seed: UInt64($0)) }
        let options = ParquetWriteOptions(rowGroupRows: 1000, dataPageRows: 128)
        let writer = try ParquetFileWriter(path: path, schema: batches[0].schema, options: options)
        try writer.write(batches[0])
        try writer.flushRowGroup()          // 1000 + 500
        try writer.write(batches[1])        // 1000, 1000 (500 + 500 carried)
        try writer.write(batches[2])
        #expect(writer.rowCount == 4500)
        try writer.close()
        let reader = try ParquetFileReader(path: path)
        #expect(reader.metadata.rowGroups.map(\.numRows) == [1000, 500, 1000, 1000, 1000])
        #expect(reader.numRows == 4500)
        let meta = try reader.columnMetaData(rowGroup: 0, column: 4)
        #expect(meta.encodingStats?.first { $0.pageType == .dataPage }?.count == 8)   // ceil(1000 / 128)
        let back = WriterFixtures.concatenate(try reader.readAll(), schema: reader.schema.schema)
        WriterFixtures.expectSameRows(back, WriterFixtures.concatenate(batches, schema: batches[0].schema))
    }

    @Test(arguments: [ParquetWriteOptions.DataPageVersion.v1, .v2])
    func dictionaryFallsBackToPlain(version: ParquetWriteOptions.DataPageVersion) throws {
        let path = WriterFixtures.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let batch = WriterFixtures.allTypesBatch(rows: 20_000, nullEvery: 5, distinct: 1_000_000)
        try WriterFixtures.write([batch], to: path, options: .init(dataPageRows: 1000, dictionaryPageBytes: 8 << 10, dataPageVersion: version))
        let back = try WriterFixtures.readBack(path)
        WriterFixtures.expectSameRows(back, batch)
        let reader = try ParquetFileReader(path: path)
        for name in ["s", "i64", "f64", "id"] {
            let leaf = try #require(batch.schema.index(of: name))
            let meta = try reader.columnMetaData(rowGroup: 0, column: leaf)
            #expect(meta.encodings.contains(.rleDictionary), "\(name)")
            #expect(meta.encodings.contains(.plain), "\(name)")
            #expect(meta.dictionaryPageOffset != nil, "\(name)")
            let stats = try #require(meta.encodingStats)
            #expect(stats.contains { $0.pageType == .dictionaryPage }, "\(name)")
            #expect(stats.contains { $0.encoding == .plain && $0.pageType != .dictionaryPage }, "\(name)")
        }
    }

    @Test func dictionaryDisabledWritesPlainOnly() throws {
        let path = WriterFixtures.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let batch = WriterFixtures.allTypesBatch(rows: 2000)
        try WriterFixtures.write([batch], to: path, options: .init(codec: .zstd, dictionaryEnabled: false))
        WriterFixtures.expectSameRows(try WriterFixtures.readBack(path), batch)
        let meta = try ParquetFileReader(path: path).columnMetaData(rowGroup: 0, column: 16)
        #expect(!meta.encodings.contains(.rleDictionary))
        #expect(meta.dictionaryPageOffset == nil)
    }

    @Test func emptyFileAndAllNullColumn() throws {
        let path = WriterFixtures.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let schema = Schema([Field("x", .int64), Field("s", .string)])
        let writer = try ParquetFileWriter(path: path, schema: schema)
        try writer.close()
        #expect(try ParquetFileReader(path: path).numRows == 0)
        try FileManager.default.removeItem(atPath: path)

        let nulls = RecordBatch(schema: schema, columns: [
            Column(type: .int64, values: .int64([0, 0, 0]), validity: [false, false, false]),
            Column(type: .string, values: .bytes(ByteArrays(offsets: [0, 0, 0, 0], data: [])), validity: [false, false, false]),
        ])
        try WriterFixtures.write([nulls], to: path)
        WriterFixtures.expectSameRows(try WriterFixtures.readBack(path), nulls)
        let stats = try ParquetFileReader(path: path).columnMetaData(rowGroup: 0, column: 0).statistics
        #expect(stats?.nullCount == 3)
        #expect(stats?.minValue == nil)
    }

    @Test func keyValueMetadataIsStored() throws {
        let path = WriterFixtures.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let batch = WriterFixtures.allTypesBatch(rows: 10)
        try WriterFixtures.write([batch], to: path, options: .init(keyValueMetadata: [KeyValue(key: "origin", value: "test"), KeyValue(key: "flag", value: nil)]))
        #expect(try ParquetFileReader(path: path).metadata.keyValueMetadata == [KeyValue(key: "origin", value: "test"), KeyValue(key: "flag", value: nil)])
    }

    /// Decimal storage other than the physical type is converted (and range checked).
    @Test func decimalStorageIsConverted() throws {
        let path = WriterFixtures.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let small = DataType.decimal(precision: 7, scale: 2), wide = DataType.decimal(precision: 30, scale: 0)
        let schema = Schema([Field("small", small), Field("wide", wide), Field("mid", .decimal(precision: 12, scale: 1))])
        let batch = RecordBatch(schema: schema, columns: [
            Column(type: small, values: .int64([12345, -9_999_999, 0])),
            Column(type: wide, values: .int64([Int64.min, -1, 42])),
            Column(type: .decimal(precision: 12, scale: 1), values: .bytes(ByteArrays(offsets: [0, 1, 3, 3], data: [0xFF, 0x01, 0x00]))),
        ])
        try WriterFixtures.write([batch], to: path)
        let reader = try ParquetFileReader(path: path)
        #expect(reader.schema.columns.map(\.physicalType) == [.int32, .fixedLenByteArray, .int64])
        #expect(reader.schema.columns[1].typeLength == 13)
        let back = try WriterFixtures.readBack(path)
        #expect(back.columns[0].values == .int32([12345, -9_999_999, 0]))
        guard case .fixed(13, let data) = back.columns[1].values else { Issue.record("wide decimal not FLBA(13)"); return }
        #expect(DecimalText.format(bigEndian: data[0..<13], scale: 0) == "-9223372036854775808")
        #expect(DecimalText.format(bigEndian: data[13..<26], scale: 0) == "-1")
        #expect(back.columns[2].values == .int64([-1, 256, 0]))

        let tooBig = RecordBatch(schema: Schema([Field("small", small)]), columns: [Column(type: small, values: .int64([Int64(Int32.max) + 1]))])
        #expect(throws: ParquetError.self) { try WriterFixtures.write([tooBig], to: WriterFixtures.temporaryPath()) }
    }
}
