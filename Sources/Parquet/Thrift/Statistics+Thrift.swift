// Statistics (parquet.thrift).

extension Statistics: ThriftCodable {
    public init(from reader: inout ThriftCompactReader) throws {
        self.init()
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .binary): self.max = try reader.readBinary()
            case (2, .binary): self.min = try reader.readBinary()
            case (3, .i64): nullCount = try reader.readI64()
            case (4, .i64): distinctCount = try reader.readI64()
            case (5, .binary): maxValue = try reader.readBinary()
            case (6, .binary): minValue = try reader.readBinary()
            case (7, .bool): isMaxValueExact = field.boolValue
            case (8, .bool): isMinValueExact = field.boolValue
            case (9, .i64): nanCount = try reader.readI64()
            default: try reader.skip(field)
            }
        }
        reader.endStruct(saved)
    }

    public func write(to writer: inout ThriftCompactWriter) {
        let saved = writer.beginStruct()
        writer.writeBinaryField(1, self.max)
        writer.writeBinaryField(2, self.min)
        writer.writeI64Field(3, nullCount)
        writer.writeI64Field(4, distinctCount)
        writer.writeBinaryField(5, maxValue)
        writer.writeBinaryField(6, minValue)
        writer.writeBoolField(7, isMaxValueExact)
        writer.writeBoolField(8, isMinValueExact)
        writer.writeI64Field(9, nanCount)
        writer.endStruct(saved)
    }
}
