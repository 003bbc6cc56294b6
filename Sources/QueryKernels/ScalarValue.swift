import Columnar

/// A typed constant of the physical plan.
public enum ScalarValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int64(Int64)
    case double(Double)
    /// Unscaled value: the number is `unscaled / 10^scale`.
    case decimal(Int128, precision: Int, scale: Int)
    case string(String)
    /// Days since 1970-01-01.
    case date(Int32)
    /// Microseconds since 1970-01-01 00:00 UTC.
    case timestamp(Int64)

    /// The kernel type of the value; `nil` for an untyped NULL, which takes its type from context.
    public var type: DataType? {
        switch self {
        case .null: return nil
        case .bool: return .boolean
        case .int64: return .int64
        case .double: return .float64
        case .decimal(_, let p, let s): return .decimal(precision: p, scale: s)
        case .string: return .string
        case .date: return .date
        case .timestamp: return KernelType.timestamp
        }
    }
}
