import Testing
@testable import Parquet

@Suite("parquet.thrift structures: required fields, enums, unions")
struct ThriftModelTests {
    private func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let e as ParquetError { return e.message } catch { return "\(error)" }
    }

    @Test func missingRequiredFieldIsNamed() {
        var w = ThriftCompactWriter()
        let s = w.beginStruct()
        w.writeI32Field(1, 1)
        w.writeStructListField(2, [SchemaElement(name: "schema", numChildren: 0)])
        w.writeStructListField(4, [RowGroup]())
        w.endStruct(s)
        #expect(message { _ = try FileMetaData.decode(from: w.bytes) } == "FileMetaData: missing required field num_rows (id 3)")
        #expect(throws: ParquetError(.malformed, "")) { try FileMetaData.decode(from: w.bytes) }
        #expect(message { _ = try SchemaElement.decode(from: [0x00]) } == "SchemaElement: missing required field name (id 4)")
    }

    @Test func unknownRequiredEnumNamesFieldAndValue() {
        var w = ThriftCompactWriter()
        let s = w.beginStruct()
        w.writeI32Field(1, 42)  // PageHeader.type
        w.writeI32Field(2, 0); w.writeI32Field(3, 0)
        w.endStruct(s)
        let m = message { _ = try PageHeader.decode(from: w.bytes) } ?? ""
        #expect(m.contains("PageHeader") && m.contains("42") && m.contains("type (id 1)"))
    }

    @Test func unknownEncodingsInListsAreDropped() throws {
        var column = ColumnMetaData(type: .int32, encodings: [.plain], pathInSchema: ["a", "b"], codec: .zstd,
                                    numValues: 3, totalUncompressedSize: 10, totalCompressedSize: 9, dataPageOffset: 4)
        column.encodingStats = [PageEncodingStats(pageType: .dataPage, encoding: .plain, count: 1)]
        var w = ThriftCompactWriter()
        let s = w.beginStruct()
        w.writeI32Field(1, PhysicalType.int32.rawValue)
        w.writeI32ListField(2, [0, 99, 8])
        w.writeStringListField(3, ["a", "b"])
        w.writeI32Field(4, CompressionCodec.zstd.rawValue)
        w.writeI64Field(5, 3); w.writeI64Field(6, 10); w.writeI64Field(7, 9); w.writeI64Field(9, 4)
        w.writeFieldHeader(13, .list); w.writeListHeader(.structure, count: 2)
        PageEncodingStats(pageType: .dataPage, encoding: .plain, count: 1).write(to: &w)
        let e = w.beginStruct(); w.writeI32Field(1, 0); w.writeI32Field(2, 77); w.writeI32Field(3, 1); w.endStruct(e)
        w.endStruct(s)
        let decoded = try ColumnMetaData.decode(from: w.bytes).value
        column.encodings = [.plain, .rleDictionary]
        #expect(decoded == column)
    }

    @Test func unknownUnionMembers() throws {
        // LogicalType member 40 with an unknown struct payload; ColumnOrder member 2 (IEEE 754 total order).
        let logical: [UInt8] = [0x0C, 0x50, 0x15, 0x02, 0x00, 0x00]
        #expect(try LogicalType.decode(from: logical).value == .unrecognized(fieldID: 40))
        let order: [UInt8] = [0x2C, 0x00, 0x00]
        #expect(try ColumnOrder.decode(from: order).value == .unrecognized(fieldID: 2))
        #expect(try ColumnOrder.decode(from: ColumnOrder.unrecognized(fieldID: 3).serialized()).value == .unrecognized(fieldID: 3))
        #expect(throws: ParquetError(.malformed, "")) { try LogicalType.decode(from: [0x00]) }
        #expect(throws: ParquetError(.unsupported, "")) { try EncryptionAlgorithm.decode(from: [0x3C, 0x00, 0x00]) }
    }

    @Test(arguments: [
        LogicalType.string, .map, .list, .enumeration, .decimal(scale: 2, precision: 9), .date,
        .time(isAdjustedToUTC: true, unit: .millis), .time(isAdjustedToUTC: false, unit: .nanos),
        .timestamp(isAdjustedToUTC: true, unit: .micros), .integer(bitWidth: -8, isSigned: true),
        .integer(bitWidth: 64, isSigned: false), .unknown, .json, .bson, .uuid, .float16, .variant,
        .geometry, .geography, .unrecognized(fieldID: 19),
    ])
    func logicalTypeRoundTrips(type: LogicalType) throws {
        let element = SchemaElement(name: "c", type: .int64, repetitionType: .optional, logicalType: type)
        #expect(try SchemaElement.decode(from: element.serialized()).value == element)
    }

    @Test func cryptoStructuresRoundTrip() throws {
        var chunk = ColumnChunk(fileOffset: 0, metaData: nil)
        chunk.cryptoMetadata = .columnKey(pathInSchema: ["a", "b"], keyMetadata: Array("kc1".utf8))
        chunk.encryptedColumnMetadata = [1, 2, 3]
        chunk.filePath = "x"
        chunk.offsetIndexOffset = 1; chunk.offsetIndexLength = 2; chunk.columnIndexOffset = 3; chunk.columnIndexLength = 4
        #expect(try ColumnChunk.decode(from: chunk.serialized()).value == chunk)
        chunk.cryptoMetadata = .footerKey
        #expect(try ColumnChunk.decode(from: chunk.serialized()).value == chunk)

        for algorithm in [EncryptionAlgorithm.aesGcmV1(aadPrefix: [1], aadFileUnique: [2, 3], supplyAadPrefix: true),
                          .aesGcmCtrV1(aadPrefix: nil, aadFileUnique: [4], supplyAadPrefix: nil)] {
            let crypto = FileCryptoMetaData(encryptionAlgorithm: algorithm, keyMetadata: Array("kf".utf8))
            #expect(try FileCryptoMetaData.decode(from: crypto.serialized()).value == crypto)
        }
        var meta = FileMetaData(version: 2, schema: [SchemaElement(name: "s", numChildren: 0)], numRows: 0, rowGroups: [])
        meta.encryptionAlgorithm = .aesGcmV1(aadPrefix: nil, aadFileUnique: [9], supplyAadPrefix: false)
        meta.footerSigningKeyMetadata = [7]
        meta.keyValueMetadata = [KeyValue(key: "k", value: nil)]
        meta.columnOrders = [.typeDefinedOrder]
        var group = RowGroup(columns: [chunk], totalByteSize: 1, numRows: 0)
        group.sortingColumns = [SortingColumn(columnIdx: 0, descending: true, nullsFirst: false)]
        group.ordinal = -3; group.fileOffset = 4; group.totalCompressedSize = 5
        meta.rowGroups = [group]
        #expect(try FileMetaData.decode(from: meta.serialized()).value == meta)
    }
}
