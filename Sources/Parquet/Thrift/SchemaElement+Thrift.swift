// SchemaElement (parquet.thrift). Field 11 vector_length is not in the model and is skipped;
// a VECTOR repetition (3) is rejected as unsupported because its nesting cannot be represented.

extension SchemaElement: ThriftCodable {
    public init(from reader: inout ThriftCompactReader) throws {
        var name: String?
        var type: PhysicalType?, typeLength: Int32?, repetition: Repetition?, numChildren: Int32?
        var convertedType: ConvertedType?, scale: Int32?, precision: Int32?, fieldID: Int32?
        var logicalType: LogicalType?
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .i32): type = try reader.readEnum(PhysicalType.self, "SchemaElement", "type", 1)
            case (2, .i32): typeLength = try reader.readI32()
            case (3, .i32):
                let start = reader.position
                let raw = try reader.readI32()
                guard let value = Repetition(rawValue: raw) else {
                    throw ParquetError(.unsupported, "SchemaElement: unsupported repetition_type value \(raw) (id 3) at byte \(start)")
                }
                repetition = value
            case (4, .binary): name = try reader.readString()
            case (5, .i32): numChildren = try reader.readI32()
            // Deprecated annotation: an unknown value is dropped, the logical type or physical type still applies.
            case (6, .i32): convertedType = ConvertedType(rawValue: try reader.readI32())
            case (7, .i32): scale = try reader.readI32()
            case (8, .i32): precision = try reader.readI32()
            case (9, .i32): fieldID = try reader.readI32()
            case (10, .structure): logicalType = try LogicalType(from: &reader)
            default: try reader.skip(field)
            }
        }
        reader.endStruct(saved)
        guard let name else { throw ParquetError.missingField("SchemaElement", "name", 4) }
        self.init(name: name, type: type, typeLength: typeLength, repetitionType: repetition,
                  numChildren: numChildren, convertedType: convertedType, scale: scale,
                  precision: precision, fieldID: fieldID, logicalType: logicalType)
    }

    public func write(to writer: inout ThriftCompactWriter) {
        let saved = writer.beginStruct()
        writer.writeI32Field(1, type?.rawValue)
        writer.writeI32Field(2, typeLength)
        writer.writeI32Field(3, repetitionType?.rawValue)
        writer.writeStringField(4, name)
        writer.writeI32Field(5, numChildren)
        writer.writeI32Field(6, convertedType?.rawValue)
        writer.writeI32Field(7, scale)
        writer.writeI32Field(8, precision)
        writer.writeI32Field(9, fieldID)
        writer.writeStructField(10, logicalType)
        writer.endStruct(saved)
    }
}
