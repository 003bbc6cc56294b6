import SQLParser

/// SQL text of an expression, for naming unaliased output columns like DuckDB does
/// (`sum(total_amount)`, `(a + b)`).
enum SQLText {
    static func render(_ e: SQLExpression) -> String {
        switch e {
        case .column(let parts, _): return parts.map(\.name).joined(separator: ".")
        case .literal(let l, _):
            switch l {
            case .null: return "NULL"
            case .boolean(let b): return b ? "true" : "false"
            case .integer(let i): return String(i)
            case .decimal(let t): return t
            case .double(let d): return String(d)
            case .string(let s): return "'\(s)'"
            case .date(let s): return "'\(s)'"
            case .timestamp(let s): return "'\(s)'"
            case .interval(let s, _): return "INTERVAL '\(s)'"
            }
        case .unary(let op, let a, _): return op == .not ? "(NOT \(render(a)))" : "-\(render(a))"
        case .binary(let op, let a, let b, _): return "(\(render(a)) \(op.rawValue) \(render(b)))"
        case .function(let call, _):
            if call.isStar { return "\(call.name.name)(*)" }
            return "\(call.name.name)(\(call.isDistinct ? "DISTINCT " : "")\(call.arguments.map(render).joined(separator: ", ")))"
        case .cast(let a, let t, _): return "CAST(\(render(a)) AS \(t))"
        default: return e.description
        }
    }
}
