/// A scalar expression. Every case carries the location of its first token (for operators,
/// the operator token), so the binder can point at the part it rejects.
///
/// EXTRACT(f FROM e), SUBSTRING(s FROM a FOR b) and TRIM([side] [c FROM] s) are parsed into
/// ordinary calls — date_part('f', e), substring(s, a, b), trim/ltrim/rtrim(s[, c]) — so the
/// binder has one path for functions.
public indirect enum SQLExpression: Sendable, Equatable {
    /// A column, possibly qualified: `[table.]column`.
    case column([SQLIdentifier], at: SourceLocation)
    case literal(SQLLiteral, at: SourceLocation)
    case unary(SQLUnaryOperator, SQLExpression, at: SourceLocation)
    case binary(SQLBinaryOperator, SQLExpression, SQLExpression, at: SourceLocation)
    /// `e IS [NOT] NULL`.
    case isNull(SQLExpression, negated: Bool, at: SourceLocation)
    /// `e IS [NOT] TRUE|FALSE`.
    case isBoolean(SQLExpression, value: Bool, negated: Bool, at: SourceLocation)
    /// `e [NOT] BETWEEN low AND high`.
    case between(SQLExpression, low: SQLExpression, high: SQLExpression, negated: Bool, at: SourceLocation)
    /// `e [NOT] IN (a, b, …)`.
    case inList(SQLExpression, [SQLExpression], negated: Bool, at: SourceLocation)
    /// `e [NOT] IN (query)`.
    case inSubquery(SQLExpression, SQLQuery, negated: Bool, at: SourceLocation)
    /// `e [NOT] LIKE|ILIKE pattern [ESCAPE c]`.
    case like(SQLExpression, pattern: SQLExpression, escape: SQLExpression?, caseInsensitive: Bool, negated: Bool, at: SourceLocation)
    /// `EXISTS (query)`; NOT EXISTS is `.unary(.not, .exists)`.
    case exists(SQLQuery, at: SourceLocation)
    /// `(query)` used as a value.
    case subquery(SQLQuery, at: SourceLocation)
    /// `CASE [operand] WHEN … THEN … [ELSE …] END`.
    case caseWhen(operand: SQLExpression?, branches: [SQLWhenClause], otherwise: SQLExpression?, at: SourceLocation)
    /// `CAST(e AS type)` and `e::type`.
    case cast(SQLExpression, SQLType, at: SourceLocation)
    case function(SQLFunctionCall, at: SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .column(_, let at), .literal(_, let at), .unary(_, _, let at), .binary(_, _, _, let at),
             .isNull(_, _, let at), .isBoolean(_, _, _, let at), .between(_, _, _, _, let at),
             .inList(_, _, _, let at), .inSubquery(_, _, _, let at), .like(_, _, _, _, _, let at),
             .exists(_, let at), .subquery(_, let at), .caseWhen(_, _, _, let at), .cast(_, _, let at),
             .function(_, let at):
            return at
        }
    }
}

public enum SQLLiteral: Sendable, Equatable {
    case null
    case boolean(Bool)
    /// An integer that fits Int64 (a leading minus is folded in).
    case integer(Int64)
    /// A number with a decimal point, or an integer too large for Int64: the text as written
    /// (with a folded leading minus), for the binder to type as DECIMAL or DOUBLE.
    case decimal(String)
    /// A number written with an exponent.
    case double(Double)
    case string(String)
    /// `DATE 'text'`, unchecked.
    case date(String)
    /// `TIMESTAMP 'text'`, unchecked.
    case timestamp(String)
    /// `INTERVAL 'text' [unit]` or `INTERVAL n unit`; unit lower-cased, nil when not written.
    case interval(String, unit: String?)
}

public enum SQLUnaryOperator: String, Sendable, Hashable {
    case not = "NOT"
    case negate = "-"
    case plus = "+"
}

public enum SQLBinaryOperator: String, Sendable, Hashable {
    case or = "OR"
    case and = "AND"
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    /// `IS DISTINCT FROM`: null-safe inequality.
    case isDistinctFrom = "IS DISTINCT FROM"
    /// `IS NOT DISTINCT FROM` (and `<=>`): null-safe equality.
    case isNotDistinctFrom = "IS NOT DISTINCT FROM"
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case modulo = "%"
    case concat = "||"
}

public struct SQLWhenClause: Sendable, Equatable {
    public var condition: SQLExpression
    public var result: SQLExpression
}

/// `name(args)`, `name(DISTINCT args)`, `count(*)`.
public struct SQLFunctionCall: Sendable, Equatable {
    /// Lower-case it (``SQLIdentifier/normalized``) to look the function up.
    public var name: SQLIdentifier
    public var arguments: [SQLExpression]
    public var isDistinct: Bool
    /// `f(*)`, as in count(*); then `arguments` is empty.
    public var isStar: Bool
}
