// ColumnCryptoMetaData union and ColumnChunk (parquet.thrift).

extension ColumnCryptoMetaData: ThriftCodable {
    /// An unknown member throws `.unsupported`: the column could not be decrypted.
    public init(from reader: inout ThriftCompactReader) throws {
        var result: ColumnCryptoMetaData?
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            guard result == nil else {
                throw ParquetError(.malformed, "ColumnCryptoMetaData: union has more than one member at byte \(field.offset)")
            }
            switch field.id {
            case 1:
                try reader.skipStruct(field, "ColumnCryptoMetaData.ENCRYPTION_WITH_FOOTER_KEY")
                result = .footerKey
            case 2:
                try reader.expect(field, .structure, "ColumnCryptoMetaData.ENCRYPTION_WITH_COLUMN_KEY")
                result = try Self.readColumnKey(&reader)
            default:
                throw ParquetError(.unsupported, "ColumnCryptoMetaData: unknown member id \(field.id) at byte \(field.offset)")
            }
        }
        reader.endStruct(saved)
        guard let result else {
            throw ParquetError(.malformed, "ColumnCryptoMetaData: empty union ending at byte \(reader.position)")
        }
        self = result
    }

    private static func readColumnKey(_ reader: inout ThriftCompactReader) throws -> ColumnCryptoMetaData {
        var path: [String]?, keyMetadata: [UInt8]?
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .list): path = try reader.readStringList("EncryptionWithColumnKey.path_in_schema")
            case (2, .binary): keyMetadata = try reader.readBinary()
            default: try reader.skip(field)
            }
        }
        reader.endStruct(saved)
        guard let path else { throw ParquetError.missingField("EncryptionWithColumnKey", "path_in_schema", 1) }
        return .columnKey(pathInSchema: path, keyMetadata: keyMetadata)
    }

    public func write(to writer: inout ThriftCompactWriter) {
        let saved = writer.beginStruct()
        switch self {
        case .footerKey:
            writer.writeEmptyStructField(1)
        case .columnKey(let path, let keyMetadata):
            writer.writeFieldHeader(2, .structure)
            let inner = writer.beginStruct()
            writer.writeStringListField(1, path)
            writer.writeBinaryField(2, keyMetadata)
            writer.endStruct(inner)
        }
        writer.endStruct(saved)
    }
}

extension ColumnChunk: ThriftCodable {
    public init(from reader: inout ThriftCompactReader) throws {
        // file_offset is "required i64 file_offset = 0" and deprecated: absent reads as its default.
        self.init(fileOffset: 0, metaData: nil)
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .binary): filePath = try reader.readString()
            case (2, .i64): fileOffset = try reader.readI64()
            case (3, .structure): metaData = try ColumnMetaData(from: &reader)
            case (4, .i64): offsetIndexOffset = try reader.readI64()
            case (5, .i32): offsetIndexLength = try reader.readI32()
            case (6, .i64): columnIndexOffset = try reader.readI64()
            case (7, .i32): columnIndexLength = try reader.readI32()
            case (8, .structure): cryptoMetadata = try ColumnCryptoMetaData(from: &reader)
            case (9, .binary): encryptedColumnMetadata = try reader.readBinary()
            default: try reader.skip(field)
            }
        }
        reader.endStruct(saved)
    }

    public func write(to writer: inout ThriftCompactWriter) {
        let saved = writer.beginStruct()
        writer.writeStringField(1, filePath)
        writer.writeI64Field(2, fileOffset)
        writer.writeStructField(3, metaData)
        writer.writeI64Field(4, offsetIndexOffset)
        writer.writeI32Field(5, offsetIndexLength)
        writer.writeI64Field(6, columnIndexOffset)
        writer.writeI32Field(7, columnIndexLength)
        writer.writeStructField(8, cryptoMetadata)
        writer.writeBinaryField(9, encryptedColumnMetadata)
        writer.endStruct(saved)
    }
}
