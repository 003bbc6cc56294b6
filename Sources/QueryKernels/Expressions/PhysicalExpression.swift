import Columnar

public enum ArithmeticOperator: String, Sendable, Hashable {
    /// `/` is DuckDB's: integers and decimals divide as doubles; `//` is integer division.
    case add = "+", subtract = "-", multiply = "*", divide = "/", integerDivide = "//", modulo = "%"
}

public enum ComparisonOperator: String, Sendable, Hashable {
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

/// Fields of `extract`/`date_part` and units of `date_trunc`.
public enum DatePart: String, Sendable, Hashable {
    case year, quarter, month, week, day, hour, minute, second, millisecond, microsecond
    case dayOfWeek = "dow", dayOfYear = "doy", epoch
}

public enum ScalarFunction: Sendable, Hashable {
    case abs
    /// `round(x)` or `round(x, n)`; for decimals `n` must be a literal (it sets the result scale).
    case round
    case floor, ceil
    case lower, upper
    /// Characters (Unicode scalars) of a string.
    case length
    /// `substring(s, start[, length])`, 1-based, in characters.
    case substring
    /// NULL arguments are skipped; non-string arguments are cast to strings.
    case concat
    case trim, ltrim, rtrim
    case dateTrunc(DatePart)
    /// `extract(field FROM x)`, `date_part('field', x)`, `year(x)` … `second(x)`.
    case datePart(DatePart)
}

public struct CaseBranch: Sendable, Hashable {
    public var when: PhysicalExpression
    public var then: PhysicalExpression
    public init(when: PhysicalExpression, then: PhysicalExpression) { self.when = when; self.then = then }
}

/// A bound, typed expression over the columns of a batch.
public indirect enum PhysicalExpression: Sendable, Hashable {
    case column(Int, DataType)
    case literal(ScalarValue)
    case arithmetic(ArithmeticOperator, PhysicalExpression, PhysicalExpression)
    case negate(PhysicalExpression)
    case compare(ComparisonOperator, PhysicalExpression, PhysicalExpression)
    case and(PhysicalExpression, PhysicalExpression)
    case or(PhysicalExpression, PhysicalExpression)
    case not(PhysicalExpression)
    case isNull(PhysicalExpression)
    case isNotNull(PhysicalExpression)
    /// `a IS DISTINCT FROM b` (or `IS NOT DISTINCT FROM` when negated): NULLs compare as equal values.
    case isDistinctFrom(PhysicalExpression, PhysicalExpression, negated: Bool)
    case between(PhysicalExpression, low: PhysicalExpression, high: PhysicalExpression, negated: Bool)
    case inList(PhysicalExpression, [PhysicalExpression], negated: Bool)
    case like(PhysicalExpression, LikePattern, negated: Bool)
    case caseWhen([CaseBranch], otherwise: PhysicalExpression?)
    case cast(PhysicalExpression, DataType)
    case coalesce([PhysicalExpression])
    case function(ScalarFunction, [PhysicalExpression])
    /// The value of the query's uncorrelated subquery number `i` (an init plan), of type `type`:
    /// known only when the query runs, which replaces it by a literal before evaluating anything.
    case parameter(Int, DataType)
}

extension PhysicalExpression: CustomStringConvertible {
    /// SQL-like text for error messages (literals are shown, since they are query text, not data).
    public var description: String {
        switch self {
        case .column(let i, _): return "#\(i)"
        case .literal(let v): return "\(v)"
        case .parameter(let i, _): return "$\(i)"
        case .arithmetic(let op, let a, let b): return "(\(a) \(op.rawValue) \(b))"
        case .negate(let a): return "-\(a)"
        case .compare(let op, let a, let b): return "(\(a) \(op.rawValue) \(b))"
        case .and(let a, let b): return "(\(a) AND \(b))"
        case .or(let a, let b): return "(\(a) OR \(b))"
        case .not(let a): return "NOT \(a)"
        case .isNull(let a): return "\(a) IS NULL"
        case .isNotNull(let a): return "\(a) IS NOT NULL"
        case .isDistinctFrom(let a, let b, let n): return "\(a) IS \(n ? "NOT " : "")DISTINCT FROM \(b)"
        case .between(let a, let l, let h, let n): return "\(a) \(n ? "NOT " : "")BETWEEN \(l) AND \(h)"
        case .inList(let a, let l, let n): return "\(a) \(n ? "NOT " : "")IN (\(l.map(\.description).joined(separator: ", ")))"
        case .like(let a, let p, let n): return "\(a) \(n ? "NOT " : "")\(p.caseInsensitive ? "ILIKE" : "LIKE") '\(p.pattern)'"
        case .caseWhen: return "CASE"
        case .cast(let a, let t): return "CAST(\(a) AS \(t))"
        case .coalesce(let l): return "coalesce(\(l.map(\.description).joined(separator: ", ")))"
        case .function(let f, let l): return "\(f)(\(l.map(\.description).joined(separator: ", ")))"
        }
    }
}
