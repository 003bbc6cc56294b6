// ColumnOrder union and FileMetaData (parquet.thrift).

extension ColumnOrder: ThriftCodable {
    /// Members other than TYPE_ORDER (IEEE_754_TOTAL_ORDER, INT96_TIMESTAMP_ORDER, future ones)
    /// become `.unrecognized`: the spec says min/max are then to be ignored, not the file.
    public init(from reader: inout ThriftCompactReader) throws {
        var result: ColumnOrder?
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            guard result == nil else {
                throw ParquetError(.malformed, "ColumnOrder: union has more than one member at byte \(field.offset)")
            }
            try reader.skip(field)
            result = field.id == 1 && field.type == .structure ? .typeDefinedOrder : .unrecognized(fieldID: field.id)
        }
        reader.endStruct(saved)
        guard let result else { throw ParquetError(.malformed, "ColumnOrder: empty union ending at byte \(reader.position)") }
        self = result
    }

    /// `.unrecognized` is written as an empty struct under its member id (all known orders are empty structs).
    public func write(to writer: inout ThriftCompactWriter) {
        let saved = writer.beginStruct()
        switch self {
        case .typeDefinedOrder: writer.writeEmptyStructField(1)
        case .unrecognized(let id): writer.writeEmptyStructField(id)
        }
        writer.endStruct(saved)
    }
}

extension FileMetaData: ThriftCodable {
    public init(from reader: inout ThriftCompactReader) throws {
        var version: Int32?, schema: [SchemaElement]?, numRows: Int64?, rowGroups: [RowGroup]?
        var keyValues: [KeyValue]?, createdBy: String?, columnOrders: [ColumnOrder]?
        var algorithm: EncryptionAlgorithm?, signingKeyMetadata: [UInt8]?
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .i32): version = try reader.readI32()
            case (2, .list): schema = try reader.readStructList(SchemaElement.self, "FileMetaData.schema")
            case (3, .i64): numRows = try reader.readI64()
            case (4, .list): rowGroups = try reader.readStructList(RowGroup.self, "FileMetaData.row_groups")
            case (5, .list): keyValues = try reader.readStructList(KeyValue.self, "FileMetaData.key_value_metadata")
            case (6, .binary): createdBy = try reader.readString()
            case (7, .list): columnOrders = try reader.readStructList(ColumnOrder.self, "FileMetaData.column_orders")
            case (8, .structure): algorithm = try EncryptionAlgorithm(from: &reader)
            case (9, .binary): signingKeyMetadata = try reader.readBinary()
            default: try reader.skip(field)
            }
        }
        reader.endStruct(saved)
        guard let version else { throw ParquetError.missingField("FileMetaData", "version", 1) }
        guard let schema else { throw ParquetError.missingField("FileMetaData", "schema", 2) }
        guard let numRows else { throw ParquetError.missingField("FileMetaData", "num_rows", 3) }
        guard let rowGroups else { throw ParquetError.missingField("FileMetaData", "row_groups", 4) }
        self.init(version: version, schema: schema, numRows: numRows, rowGroups: rowGroups)
        self.keyValueMetadata = keyValues
        self.createdBy = createdBy
        self.columnOrders = columnOrders
        self.encryptionAlgorithm = algorithm
        self.footerSigningKeyMetadata = signingKeyMetadata
    }

    public func write(to writer: inout ThriftCompactWriter) {
        let saved = writer.beginStruct()
        writer.writeI32Field(1, version)
        writer.writeStructListField(2, schema)
        writer.writeI64Field(3, numRows)
        writer.writeStructListField(4, rowGroups)
        writer.writeStructListField(5, keyValueMetadata)
        writer.writeStringField(6, createdBy)
        writer.writeStructListField(7, columnOrders)
        writer.writeStructField(8, encryptionAlgorithm)
        writer.writeBinaryField(9, footerSigningKeyMetadata)
        writer.endStruct(saved)
    }
}
