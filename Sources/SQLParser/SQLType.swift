/// A type named in CAST or `::`. Aliases (INT4, LONG, TEXT, …) map onto these cases.
public enum SQLType: Sendable, Hashable, CustomStringConvertible {
    case boolean
    case tinyint
    case smallint
    case integer
    case bigint
    /// 32-bit floating point (FLOAT, REAL, FLOAT4).
    case float
    /// 64-bit floating point (DOUBLE, DOUBLE PRECISION, FLOAT8).
    case double
    /// DECIMAL / NUMERIC; nil precision or scale when not written, for the binder to default.
    case decimal(precision: Int?, scale: Int?)
    /// VARCHAR / STRING / TEXT / CHAR; a written length is kept but not enforced here.
    case string(length: Int?)
    case date
    case timestamp

    public var description: String {
        switch self {
        case .boolean: return "BOOLEAN"
        case .tinyint: return "TINYINT"
        case .smallint: return "SMALLINT"
        case .integer: return "INTEGER"
        case .bigint: return "BIGINT"
        case .float: return "FLOAT"
        case .double: return "DOUBLE"
        case .decimal(let p, let s):
            switch (p, s) {
            case (nil, _): return "DECIMAL"
            case (let p?, nil): return "DECIMAL(\(p))"
            case (let p?, let s?): return "DECIMAL(\(p),\(s))"
            }
        case .string(let n): return n.map { "VARCHAR(\($0))" } ?? "VARCHAR"
        case .date: return "DATE"
        case .timestamp: return "TIMESTAMP"
        }
    }
}
