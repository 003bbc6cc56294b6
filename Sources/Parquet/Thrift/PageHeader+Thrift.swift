// PageHeader with DataPageHeader, DictionaryPageHeader and DataPageHeaderV2 (parquet.thrift).
// Sizes and counts are checked to be non-negative here so page decoders can trust their sign.

extension ThriftCompactReader {
    mutating func readCount(_ structure: String, _ field: String, _ id: Int16) throws -> Int32 {
        let start = position
        let value = try readI32()
        guard value >= 0 else {
            throw ParquetError(.malformed, "\(structure): negative \(field) (id \(id)) at byte \(start)")
        }
        return value
    }
}

extension DataPageHeader: ThriftCodable {
    public init(from reader: inout ThriftCompactReader) throws {
        var numValues: Int32?, encoding: Encoding?, defEncoding: Encoding?, repEncoding: Encoding?
        var statistics: Statistics?
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .i32): numValues = try reader.readCount("DataPageHeader", "num_values", 1)
            case (2, .i32): encoding = try reader.readEnum(Encoding.self, "DataPageHeader", "encoding", 2)
            case (3, .i32): defEncoding = try reader.readEnum(Encoding.self, "DataPageHeader", "definition_level_encoding", 3)
            case (4, .i32): repEncoding = try reader.readEnum(Encoding.self, "DataPageHeader", "repetition_level_encoding", 4)
            case (5, .structure): statistics = try Statistics(from: &reader)
            default: try reader.skip(field)
            }
        }
        reader.endStruct(saved)
        guard let numValues else { throw ParquetError.missingField("DataPageHeader", "num_values", 1) }
        guard let encoding else { throw ParquetError.missingField("DataPageHeader", "encoding", 2) }
        guard let defEncoding else { throw ParquetError.missingField("DataPageHeader", "definition_level_encoding", 3) }
        guard let repEncoding else { throw ParquetError.missingField("DataPageHeader", "repetition_level_encoding", 4) }
        self.init(numValues: numValues, encoding: encoding, definitionLevelEncoding: defEncoding,
                  repetitionLevelEncoding: repEncoding)
        self.statistics = statistics
    }

    public func write(to writer: inout ThriftCompactWriter) {
        let saved = writer.beginStruct()
        writer.writeI32Field(1, numValues)
        writer.writeI32Field(2, encoding.rawValue)
        writer.writeI32Field(3, definitionLevelEncoding.rawValue)
        writer.writeI32Field(4, repetitionLevelEncoding.rawValue)
        writer.writeStructField(5, statistics)
        writer.endStruct(saved)
    }
}

extension DictionaryPageHeader: ThriftCodable {
    public init(from reader: inout ThriftCompactReader) throws {
        var numValues: Int32?, encoding: Encoding?, isSorted: Bool?
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .i32): numValues = try reader.readCount("DictionaryPageHeader", "num_values", 1)
            case (2, .i32): encoding = try reader.readEnum(Encoding.self, "DictionaryPageHeader", "encoding", 2)
            case (3, .bool): isSorted = field.boolValue
            default: try reader.skip(field)
            }
        }
        reader.endStruct(saved)
        guard let numValues else { throw ParquetError.missingField("DictionaryPageHeader", "num_values", 1) }
        guard let encoding else { throw ParquetError.missingField("DictionaryPageHeader", "encoding", 2) }
        self.init(numValues: numValues, encoding: encoding)
        self.isSorted = isSorted
    }

    public func write(to writer: inout ThriftCompactWriter) {
        let saved = writer.beginStruct()
        writer.writeI32Field(1, numValues)
        writer.writeI32Field(2, encoding.rawValue)
        writer.writeBoolField(3, isSorted)
        writer.endStruct(saved)
    }
}

extension DataPageHeaderV2: ThriftCodable {
    public init(from reader: inout ThriftCompactReader) throws {
        let name = "DataPageHeaderV2"
        var numValues: Int32?, numNulls: Int32?, numRows: Int32?, encoding: Encoding?
        var defLength: Int32?, repLength: Int32?, isCompressed = true, statistics: Statistics?
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .i32): numValues = try reader.readCount(name, "num_values", 1)
            case (2, .i32): numNulls = try reader.readCount(name, "num_nulls", 2)
            case (3, .i32): numRows = try reader.readCount(name, "num_rows", 3)
            case (4, .i32): encoding = try reader.readEnum(Encoding.self, name, "encoding", 4)
            case (5, .i32): defLength = try reader.readCount(name, "definition_levels_byte_length", 5)
            case (6, .i32): repLength = try reader.readCount(name, "repetition_levels_byte_length", 6)
            case (7, .bool): isCompressed = field.boolValue
            case (8, .structure): statistics = try Statistics(from: &reader)
            default: try reader.skip(field)
            }
        }
        reader.endStruct(saved)
        guard let numValues else { throw ParquetError.missingField(name, "num_values", 1) }
        guard let numNulls else { throw ParquetError.missingField(name, "num_nulls", 2) }
        guard let numRows else { throw ParquetError.missingField(name, "num_rows", 3) }
        guard let encoding else { throw ParquetError.missingField(name, "encoding", 4) }
        guard let defLength else { throw ParquetError.missingField(name, "definition_levels_byte_length", 5) }
        guard let repLength else { throw ParquetError.missingField(name, "repetition_levels_byte_length", 6) }
        self.init(numValues: numValues, numNulls: numNulls, numRows: numRows, encoding: encoding,
                  definitionLevelsByteLength: defLength, repetitionLevelsByteLength: repLength,
                  isCompressed: isCompressed)
        self.statistics = statistics
    }

    public func write(to writer: inout ThriftCompactWriter) {
        let saved = writer.beginStruct()
        writer.writeI32Field(1, numValues)
        writer.writeI32Field(2, numNulls)
        writer.writeI32Field(3, numRows)
        writer.writeI32Field(4, encoding.rawValue)
        writer.writeI32Field(5, definitionLevelsByteLength)
        writer.writeI32Field(6, repetitionLevelsByteLength)
        writer.writeBoolField(7, isCompressed)
        writer.writeStructField(8, statistics)
        writer.endStruct(saved)
    }
}

extension PageHeader: ThriftCodable {
    public init(from reader: inout ThriftCompactReader) throws {
        var type: PageType?, uncompressed: Int32?, compressed: Int32?, crc: Int32?
        var dataPage: DataPageHeader?, indexPage = false, dictionaryPage: DictionaryPageHeader?
        var dataPageV2: DataPageHeaderV2?
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .i32): type = try reader.readEnum(PageType.self, "PageHeader", "type", 1)
            case (2, .i32): uncompressed = try reader.readCount("PageHeader", "uncompressed_page_size", 2)
            case (3, .i32): compressed = try reader.readCount("PageHeader", "compressed_page_size", 3)
            case (4, .i32): crc = try reader.readI32()
            case (5, .structure): dataPage = try DataPageHeader(from: &reader)
            case (6, .structure): try reader.skip(field); indexPage = true  // IndexPageHeader is empty
            case (7, .structure): dictionaryPage = try DictionaryPageHeader(from: &reader)
            case (8, .structure): dataPageV2 = try DataPageHeaderV2(from: &reader)
            default: try reader.skip(field)
            }
        }
        reader.endStruct(saved)
        guard let type else { throw ParquetError.missingField("PageHeader", "type", 1) }
        guard let uncompressed else { throw ParquetError.missingField("PageHeader", "uncompressed_page_size", 2) }
        guard let compressed else { throw ParquetError.missingField("PageHeader", "compressed_page_size", 3) }
        self.init(type: type, uncompressedPageSize: uncompressed, compressedPageSize: compressed)
        self.crc = crc
        self.dataPageHeader = dataPage
        self.indexPageHeader = indexPage
        self.dictionaryPageHeader = dictionaryPage
        self.dataPageHeaderV2 = dataPageV2
    }

    public func write(to writer: inout ThriftCompactWriter) {
        let saved = writer.beginStruct()
        writer.writeI32Field(1, type.rawValue)
        writer.writeI32Field(2, uncompressedPageSize)
        writer.writeI32Field(3, compressedPageSize)
        writer.writeI32Field(4, crc)
        writer.writeStructField(5, dataPageHeader)
        if indexPageHeader { writer.writeEmptyStructField(6) }
        writer.writeStructField(7, dictionaryPageHeader)
        writer.writeStructField(8, dataPageHeaderV2)
        writer.endStruct(saved)
    }
}
