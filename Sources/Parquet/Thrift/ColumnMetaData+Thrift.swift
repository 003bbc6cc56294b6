// ColumnMetaData (parquet.thrift). Fields 16 size_statistics and 17 geospatial_statistics
// are not in the model and are skipped.

extension ColumnMetaData: ThriftCodable {
    public init(from reader: inout ThriftCompactReader) throws {
        var type: PhysicalType?, encodings: [Encoding]?, path: [String]?, codec: CompressionCodec?
        var numValues: Int64?, uncompressed: Int64?, compressed: Int64?, dataPageOffset: Int64?
        var keyValues: [KeyValue]?, indexPageOffset: Int64?, dictionaryPageOffset: Int64?
        var statistics: Statistics?, encodingStats: [PageEncodingStats]?
        var bloomOffset: Int64?, bloomLength: Int32?
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .i32): type = try reader.readEnum(PhysicalType.self, "ColumnMetaData", "type", 1)
            case (2, .list): encodings = try Self.readEncodings(&reader)
            case (3, .list): path = try reader.readStringList("ColumnMetaData.path_in_schema")
            case (4, .i32): codec = try reader.readEnum(CompressionCodec.self, "ColumnMetaData", "codec", 4)
            case (5, .i64): numValues = try reader.readI64()
            case (6, .i64): uncompressed = try reader.readI64()
            case (7, .i64): compressed = try reader.readI64()
            case (8, .list): keyValues = try reader.readStructList(KeyValue.self, "ColumnMetaData.key_value_metadata")
            case (9, .i64): dataPageOffset = try reader.readI64()
            case (10, .i64): indexPageOffset = try reader.readI64()
            case (11, .i64): dictionaryPageOffset = try reader.readI64()
            case (12, .structure): statistics = try Statistics(from: &reader)
            case (13, .list): encodingStats = try Self.readEncodingStats(&reader)
            case (14, .i64): bloomOffset = try reader.readI64()
            case (15, .i32): bloomLength = try reader.readI32()
            default: try reader.skip(field)
            }
        }
        reader.endStruct(saved)
        guard let type else { throw ParquetError.missingField("ColumnMetaData", "type", 1) }
        guard let encodings else { throw ParquetError.missingField("ColumnMetaData", "encodings", 2) }
        guard let path else { throw ParquetError.missingField("ColumnMetaData", "path_in_schema", 3) }
        guard let codec else { throw ParquetError.missingField("ColumnMetaData", "codec", 4) }
        guard let numValues else { throw ParquetError.missingField("ColumnMetaData", "num_values", 5) }
        guard let uncompressed else { throw ParquetError.missingField("ColumnMetaData", "total_uncompressed_size", 6) }
        guard let compressed else { throw ParquetError.missingField("ColumnMetaData", "total_compressed_size", 7) }
        guard let dataPageOffset else { throw ParquetError.missingField("ColumnMetaData", "data_page_offset", 9) }
        self.init(type: type, encodings: encodings, pathInSchema: path, codec: codec, numValues: numValues,
                  totalUncompressedSize: uncompressed, totalCompressedSize: compressed, dataPageOffset: dataPageOffset)
        self.keyValueMetadata = keyValues
        self.indexPageOffset = indexPageOffset
        self.dictionaryPageOffset = dictionaryPageOffset
        self.statistics = statistics
        self.encodingStats = encodingStats
        self.bloomFilterOffset = bloomOffset
        self.bloomFilterLength = bloomLength
    }

    /// The set of encodings is informational: values this reader does not know are dropped
    /// (a page that really uses one fails later, when its own header is read).
    private static func readEncodings(_ reader: inout ThriftCompactReader) throws -> [Encoding] {
        let count = try reader.readListHeader(of: .i32, context: "ColumnMetaData.encodings")
        var values: [Encoding] = []
        values.reserveCapacity(count)
        for _ in 0 ..< count {
            if let e = Encoding(rawValue: try reader.readI32()) { values.append(e) }
        }
        return values
    }

    private static func readEncodingStats(_ reader: inout ThriftCompactReader) throws -> [PageEncodingStats] {
        let count = try reader.readListHeader(of: .structure, context: "ColumnMetaData.encoding_stats")
        var values: [PageEncodingStats] = []
        values.reserveCapacity(count)
        for _ in 0 ..< count {
            if let s = try PageEncodingStats.read(from: &reader, strict: false) { values.append(s) }
        }
        return values
    }

    public func write(to writer: inout ThriftCompactWriter) {
        let saved = writer.beginStruct()
        writer.writeI32Field(1, type.rawValue)
        writer.writeI32ListField(2, encodings.map(\.rawValue))
        writer.writeStringListField(3, pathInSchema)
        writer.writeI32Field(4, codec.rawValue)
        writer.writeI64Field(5, numValues)
        writer.writeI64Field(6, totalUncompressedSize)
        writer.writeI64Field(7, totalCompressedSize)
        writer.writeStructListField(8, keyValueMetadata)
        writer.writeI64Field(9, dataPageOffset)
        writer.writeI64Field(10, indexPageOffset)
        writer.writeI64Field(11, dictionaryPageOffset)
        writer.writeStructField(12, statistics)
        writer.writeStructListField(13, encodingStats)
        writer.writeI64Field(14, bloomFilterOffset)
        writer.writeI32Field(15, bloomFilterLength)
        writer.endStruct(saved)
    }
}
