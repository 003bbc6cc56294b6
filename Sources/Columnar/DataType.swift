/// Logical types of Strongroom columns. A column's physical storage (`ColumnValues`) is chosen by
/// the producer (e.g. a Parquet physical type); the `DataType` says how to interpret it.
public enum TimeUnit: String, Sendable, Hashable, Codable {
    case millis, micros, nanos
}

public indirect enum DataType: Sendable, Hashable {
    case boolean
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    /// IEEE half precision, stored as 2-byte fixed binary (little endian).
    case float16
    case float32, float64
    /// Unscaled value stored as int32, int64, fixed or variable big-endian two's complement bytes.
    case decimal(precision: Int, scale: Int)
    case string
    case json
    case enumeration
    case binary
    case fixedBinary(Int)
    /// Days since 1970-01-01 (int32).
    case date
    /// Time of day; millis stored as int32, micros/nanos as int64.
    case time(TimeUnit, utc: Bool)
    /// Since the Unix epoch, stored as int64 (INT96 is read as micros).
    case timestamp(TimeUnit, utc: Bool)
    case uuid
    case list(Field)
    case map(key: Field, value: Field)
    case structure([Field])

    public var isNested: Bool {
        switch self {
        case .list, .map, .structure: return true
        default: return false
        }
    }
}

public struct Field: Sendable, Hashable {
    public var name: String
    public var type: DataType
    public var nullable: Bool

    public init(_ name: String, _ type: DataType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

public struct Schema: Sendable, Hashable {
    public var fields: [Field]

    public init(_ fields: [Field]) { self.fields = fields }

    /// Index of the field whose name matches, case-sensitively first, then case-insensitively.
    public func index(of name: String) -> Int? {
        if let i = fields.firstIndex(where: { $0.name == name }) { return i }
        let lower = name.lowercased()
        return fields.firstIndex(where: { $0.name.lowercased() == lower })
    }
}
