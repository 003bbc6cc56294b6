// LogicalType union (parquet.thrift). Members carrying parameters the model has no room for
// (VARIANT specification_version, GEOMETRY crs, GEOGRAPHY crs/algorithm) are read as their
// case and the parameters dropped.

extension LogicalType: ThriftCodable {
    public init(from reader: inout ThriftCompactReader) throws {
        let saved = try reader.beginStruct()
        var result: LogicalType?
        while let field = try reader.readFieldHeader() {
            guard result == nil else {
                throw ParquetError(.malformed, "LogicalType: union has more than one member at byte \(field.offset)")
            }
            switch field.id {
            case 1: try reader.skipStruct(field, "LogicalType.STRING"); result = .string
            case 2: try reader.skipStruct(field, "LogicalType.MAP"); result = .map
            case 3: try reader.skipStruct(field, "LogicalType.LIST"); result = .list
            case 4: try reader.skipStruct(field, "LogicalType.ENUM"); result = .enumeration
            case 5:
                try reader.expect(field, .structure, "LogicalType.DECIMAL")
                result = try Self.readDecimal(&reader)
            case 6: try reader.skipStruct(field, "LogicalType.DATE"); result = .date
            case 7, 8:
                let name = field.id == 7 ? "TimeType" : "TimestampType"
                try reader.expect(field, .structure, "LogicalType.\(name)")
                let (utc, unit) = try Self.readTimeLike(&reader, name)
                if let unit {
                    result = field.id == 7 ? .time(isAdjustedToUTC: utc, unit: unit)
                                           : .timestamp(isAdjustedToUTC: utc, unit: unit)
                } else {
                    result = .unrecognized(fieldID: field.id)  // a time unit newer than this reader
                }
            case 10:
                try reader.expect(field, .structure, "LogicalType.INTEGER")
                result = try Self.readInteger(&reader)
            case 11: try reader.skipStruct(field, "LogicalType.UNKNOWN"); result = .unknown
            case 12: try reader.skipStruct(field, "LogicalType.JSON"); result = .json
            case 13: try reader.skipStruct(field, "LogicalType.BSON"); result = .bson
            case 14: try reader.skipStruct(field, "LogicalType.UUID"); result = .uuid
            case 15: try reader.skipStruct(field, "LogicalType.FLOAT16"); result = .float16
            case 16: try reader.skipStruct(field, "LogicalType.VARIANT"); result = .variant
            case 17: try reader.skipStruct(field, "LogicalType.GEOMETRY"); result = .geometry
            case 18: try reader.skipStruct(field, "LogicalType.GEOGRAPHY"); result = .geography
            default:
                try reader.skip(field)
                result = .unrecognized(fieldID: field.id)
            }
        }
        reader.endStruct(saved)
        guard let result else { throw ParquetError(.malformed, "LogicalType: empty union ending at byte \(reader.position)") }
        self = result
    }

    private static func readDecimal(_ reader: inout ThriftCompactReader) throws -> LogicalType {
        var scale: Int32?, precision: Int32?
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .i32): scale = try reader.readI32()
            case (2, .i32): precision = try reader.readI32()
            default: try reader.skip(field)
            }
        }
        reader.endStruct(saved)
        guard let scale else { throw ParquetError.missingField("DecimalType", "scale", 1) }
        guard let precision else { throw ParquetError.missingField("DecimalType", "precision", 2) }
        return .decimal(scale: scale, precision: precision)
    }

    /// TimeType and TimestampType share a layout; a nil unit means an unknown TimeUnit member.
    private static func readTimeLike(_ reader: inout ThriftCompactReader, _ name: String) throws -> (Bool, TimeUnitKind?) {
        var utc: Bool?, unit: TimeUnitKind??
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .bool): utc = field.boolValue
            case (2, .structure): unit = try readTimeUnit(&reader)
            default: try reader.skip(field)
            }
        }
        reader.endStruct(saved)
        guard let utc else { throw ParquetError.missingField(name, "isAdjustedToUTC", 1) }
        guard let unit else { throw ParquetError.missingField(name, "unit", 2) }
        return (utc, unit)
    }

    private static func readTimeUnit(_ reader: inout ThriftCompactReader) throws -> TimeUnitKind? {
        var unit: TimeUnitKind??
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            guard unit == nil else {
                throw ParquetError(.malformed, "TimeUnit: union has more than one member at byte \(field.offset)")
            }
            try reader.skipStruct(field, "TimeUnit")
            switch field.id {
            case 1: unit = .some(TimeUnitKind.millis)
            case 2: unit = .some(TimeUnitKind.micros)
            case 3: unit = .some(TimeUnitKind.nanos)
            default: unit = .some(nil)
            }
        }
        reader.endStruct(saved)
        guard let unit else { throw ParquetError(.malformed, "TimeUnit: empty union ending at byte \(reader.position)") }
        return unit
    }

    private static func readInteger(_ reader: inout ThriftCompactReader) throws -> LogicalType {
        var bitWidth: Int8?, isSigned: Bool?
        let saved = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch (field.id, field.type) {
            case (1, .i8): bitWidth = try reader.readI8()
            case (2, .bool): isSigned = field.boolValue
            default: try reader.skip(field)
            }
        }
        reader.endStruct(saved)
        guard let bitWidth else { throw ParquetError.missingField("IntType", "bitWidth", 1) }
        guard let isSigned else { throw ParquetError.missingField("IntType", "isSigned", 2) }
        return .integer(bitWidth: bitWidth, isSigned: isSigned)
    }

    /// `.unrecognized(fieldID:)` is written as an empty struct under its member id: exact for
    /// the marker-only members (e.g. VECTOR), and the id is preserved across a rewrite.
    public func write(to writer: inout ThriftCompactWriter) {
        let saved = writer.beginStruct()
        switch self {
        case .string: writer.writeEmptyStructField(1)
        case .map: writer.writeEmptyStructField(2)
        case .list: writer.writeEmptyStructField(3)
        case .enumeration: writer.writeEmptyStructField(4)
        case .decimal(let scale, let precision):
            writer.writeFieldHeader(5, .structure)
            let inner = writer.beginStruct()
            writer.writeI32Field(1, scale)
            writer.writeI32Field(2, precision)
            writer.endStruct(inner)
        case .date: writer.writeEmptyStructField(6)
        case .time(let utc, let unit): Self.writeTimeLike(&writer, 7, utc, unit)
        case .timestamp(let utc, let unit): Self.writeTimeLike(&writer, 8, utc, unit)
        case .integer(let bitWidth, let isSigned):
            writer.writeFieldHeader(10, .structure)
            let inner = writer.beginStruct()
            writer.writeI8Field(1, bitWidth)
            writer.writeBoolField(2, isSigned)
            writer.endStruct(inner)
        case .unknown: writer.writeEmptyStructField(11)
        case .json: writer.writeEmptyStructField(12)
        case .bson: writer.writeEmptyStructField(13)
        case .uuid: writer.writeEmptyStructField(14)
        case .float16: writer.writeEmptyStructField(15)
        case .variant: writer.writeEmptyStructField(16)
        case .geometry: writer.writeEmptyStructField(17)
        case .geography: writer.writeEmptyStructField(18)
        case .unrecognized(let id): writer.writeEmptyStructField(id)
        }
        writer.endStruct(saved)
    }

    private static func writeTimeLike(_ writer: inout ThriftCompactWriter, _ id: Int16, _ utc: Bool, _ unit: TimeUnitKind) {
        writer.writeFieldHeader(id, .structure)
        let inner = writer.beginStruct()
        writer.writeBoolField(1, utc)
        writer.writeFieldHeader(2, .structure)
        let unitScope = writer.beginStruct()
        switch unit {
        case .millis: writer.writeEmptyStructField(1)
        case .micros: writer.writeEmptyStructField(2)
        case .nanos: writer.writeEmptyStructField(3)
        }
        writer.endStruct(unitScope)
        writer.endStruct(inner)
    }
}
