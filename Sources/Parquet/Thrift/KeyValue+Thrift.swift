// KeyValue, SortingColumn and PageEncodingStats (parquet.thrift): small leaf structs.

extension KeyValue: ThriftCodable {
    public init(from reader: inout ThriftCompactReader) throws {
        var key: String?, value: String?
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .binary): key = try reader.readString()
            case (2, .binary): value = try reader.readString()
            default: try reader.skip(field)
            }
        }
        reader.endStruct(saved)
        guard let key else { throw ParquetError.missingField("KeyValue", "key", 1) }
        self.init(key: key, value: value)
    }

    public func write(to writer: inout ThriftCompactWriter) {
        let saved = writer.beginStruct()
        writer.writeStringField(1, key)
        writer.writeStringField(2, value)
        writer.endStruct(saved)
    }
}

extension SortingColumn: ThriftCodable {
    public init(from reader: inout ThriftCompactReader) throws {
        var columnIdx: Int32?, descending: Bool?, nullsFirst: Bool?
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .i32): columnIdx = try reader.readI32()
            case (2, .bool): descending = field.boolValue
            case (3, .bool): nullsFirst = field.boolValue
            default: try reader.skip(field)
            }
        }
        reader.endStruct(saved)
        guard let columnIdx else { throw ParquetError.missingField("SortingColumn", "column_idx", 1) }
        guard let descending else { throw ParquetError.missingField("SortingColumn", "descending", 2) }
        guard let nullsFirst else { throw ParquetError.missingField("SortingColumn", "nulls_first", 3) }
        self.init(columnIdx: columnIdx, descending: descending, nullsFirst: nullsFirst)
    }

    public func write(to writer: inout ThriftCompactWriter) {
        let saved = writer.beginStruct()
        writer.writeI32Field(1, columnIdx)
        writer.writeBoolField(2, descending)
        writer.writeBoolField(3, nullsFirst)
        writer.endStruct(saved)
    }
}

extension PageEncodingStats: ThriftCodable {
    public init(from reader: inout ThriftCompactReader) throws {
        self = try Self.read(from: &reader, strict: true)!
    }

    /// With `strict: false` an entry naming an unknown page type or encoding yields nil, so a
    /// newer writer's encoding in these (informational) stats does not make the footer unreadable.
    static func read(from reader: inout ThriftCompactReader, strict: Bool) throws -> PageEncodingStats? {
        var pageType: PageType?, encoding: Encoding?, count: Int32?
        var unknownEnum = false
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .i32):
                if strict {
                    pageType = try reader.readEnum(PageType.self, "PageEncodingStats", "page_type", 1)
                } else {
                    pageType = PageType(rawValue: try reader.readI32())
                    unknownEnum = unknownEnum || pageType == nil
                }
            case (2, .i32):
                if strict {
                    encoding = try reader.readEnum(Encoding.self, "PageEncodingStats", "encoding", 2)
                } else {
                    encoding = Encoding(rawValue: try reader.readI32())
                    unknownEnum = unknownEnum || encoding == nil
                }
            case (3, .i32): count = try reader.readI32()
            default: try reader.skip(field)
            }
        }
        reader.endStruct(saved)
        if unknownEnum { return nil }
        guard let pageType else { throw ParquetError.missingField("PageEncodingStats", "page_type", 1) }
        guard let encoding else { throw ParquetError.missingField("PageEncodingStats", "encoding", 2) }
        guard let count else { throw ParquetError.missingField("PageEncodingStats", "count", 3) }
        return PageEncodingStats(pageType: pageType, encoding: encoding, count: count)
    }

    public func write(to writer: inout ThriftCompactWriter) {
        let saved = writer.beginStruct()
        writer.writeI32Field(1, pageType.rawValue)
        writer.writeI32Field(2, encoding.rawValue)
        writer.writeI32Field(3, count)
        writer.endStruct(saved)
    }
}
