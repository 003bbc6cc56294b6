import Columnar

/// How min/max statistics compare values of a column (parquet.thrift ColumnOrder, TYPE_ORDER).
enum StatisticsOrder: Sendable, Hashable {
    case boolean
    case signed              // INT32/INT64 (ints, dates, times, timestamps, decimals on ints)
    case unsigned            // UINT_8..UINT_64 on INT32/INT64
    case floating            // FLOAT/DOUBLE: NaN excluded, -0/+0 rule
    case float16             // FLOAT16 on FIXED[2], compared as the represented value
    case bytesUnsigned       // BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY: unsigned bytewise
    case decimalBigEndian    // DECIMAL on FIXED_LEN_BYTE_ARRAY: signed two's complement
}

/// One flat column of the file being written: its schema element and how values are stored.
struct WriterColumn: Sendable {
    let field: Field
    let element: SchemaElement
    let physical: PhysicalType
    /// FIXED_LEN_BYTE_ARRAY width (0 otherwise).
    let width: Int
    let order: StatisticsOrder
    /// Definition level of a present value: 1 for nullable columns, 0 for required ones.
    let maxDefinitionLevel: Int

    var name: String { field.name }

    init(field: Field) throws {
        self.field = field
        var e = SchemaElement(name: field.name, repetitionType: field.nullable ? .optional : .required)
        var width = 0
        let physical: PhysicalType
        let order: StatisticsOrder
        func integer(_ bits: Int8, signed: Bool, _ converted: ConvertedType) {
            e.logicalType = .integer(bitWidth: bits, isSigned: signed)
            e.convertedType = converted
        }
        switch field.type {
        case .boolean: physical = .boolean; order = .boolean
        case .int8: physical = .int32; order = .signed; integer(8, signed: true, .int8)
        case .int16: physical = .int32; order = .signed; integer(16, signed: true, .int16)
        case .int32: physical = .int32; order = .signed
        case .int64: physical = .int64; order = .signed
        case .uint8: physical = .int32; order = .unsigned; integer(8, signed: false, .uint8)
        case .uint16: physical = .int32; order = .unsigned; integer(16, signed: false, .uint16)
        case .uint32: physical = .int32; order = .unsigned; integer(32, signed: false, .uint32)
        case .uint64: physical = .int64; order = .unsigned; integer(64, signed: false, .uint64)
        case .float16:
            physical = .fixedLenByteArray; width = 2; order = .float16
            e.logicalType = .float16
        case .float32: physical = .float; order = .floating
        case .float64: physical = .double; order = .floating
        case .decimal(let precision, let scale):
            guard precision >= 1, precision <= 76, scale >= 0, scale <= precision else {
                throw ParquetError(.invalidArgument, "column '\(field.name)': decimal(\(precision), \(scale)) is not a valid Parquet decimal (1 ≤ precision ≤ 76, 0 ≤ scale ≤ precision)")
            }
            if precision <= 9 {
                physical = .int32; order = .signed
            } else if precision <= 18 {
                physical = .int64; order = .signed
            } else {
                physical = .fixedLenByteArray; order = .decimalBigEndian
                width = Self.decimalByteWidth(precision: precision)
            }
            e.logicalType = .decimal(scale: Int32(scale), precision: Int32(precision))
            e.convertedType = .decimal
            e.scale = Int32(scale)
            e.precision = Int32(precision)
        case .string:
            physical = .byteArray; order = .bytesUnsigned
            e.logicalType = .string; e.convertedType = .utf8
        case .json:
            physical = .byteArray; order = .bytesUnsigned
            e.logicalType = .json; e.convertedType = .json
        case .enumeration:
            physical = .byteArray; order = .bytesUnsigned
            e.logicalType = .enumeration; e.convertedType = .enumeration
        case .binary: physical = .byteArray; order = .bytesUnsigned
        case .fixedBinary(let n):
            guard n > 0, n <= Int(Int32.max) else {
                throw ParquetError(.invalidArgument, "column '\(field.name)': fixed binary width \(n) must be positive")
            }
            physical = .fixedLenByteArray; width = n; order = .bytesUnsigned
        case .uuid:
            physical = .fixedLenByteArray; width = 16; order = .bytesUnsigned
            e.logicalType = .uuid
        case .date:
            physical = .int32; order = .signed
            e.logicalType = .date; e.convertedType = .date
        case .time(let unit, let utc):
            physical = unit == .millis ? .int32 : .int64; order = .signed
            e.logicalType = .time(isAdjustedToUTC: utc, unit: TimeUnitKind(unit))
            e.convertedType = unit == .millis ? .timeMillis : unit == .micros ? .timeMicros : nil
        case .timestamp(let unit, let utc):
            physical = .int64; order = .signed
            e.logicalType = .timestamp(isAdjustedToUTC: utc, unit: TimeUnitKind(unit))
            e.convertedType = unit == .millis ? .timestampMillis : unit == .micros ? .timestampMicros : nil
        case .list, .map, .structure:
            throw ParquetError(.unsupported, "column '\(field.name)': the writer handles flat columns only; \(field.type) is nested")
        }
        e.type = physical
        if physical == .fixedLenByteArray { e.typeLength = Int32(width) }
        self.element = e
        self.physical = physical
        self.width = width
        self.order = order
        self.maxDefinitionLevel = field.nullable ? 1 : 0
    }

    /// Fewest bytes whose two's complement holds every unscaled value of `precision` digits
    /// (largest n with floor(log10(2^(8n-1) - 1)) >= precision).
    static func decimalByteWidth(precision: Int) -> Int {
        var n = 1
        while Double(8 * n - 1) * 0.30102999566398120 < Double(precision) { n += 1 }
        return n
    }
}

extension TimeUnitKind {
    init(_ unit: TimeUnit) {
        switch unit {
        case .millis: self = .millis
        case .micros: self = .micros
        case .nanos: self = .nanos
        }
    }
}
