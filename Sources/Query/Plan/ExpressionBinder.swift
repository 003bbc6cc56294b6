import Columnar
import QueryKernels
import SQLParser

/// Turns SQL expressions into physical expressions over a scope. In aggregate mode, group
/// keys and aggregate calls resolve to the columns of the aggregate's output instead.
struct ExpressionBinder {
    struct AggregateContext {
        /// S-expression text of each GROUP BY key → its output column.
        var keys: [String: Int]
        /// Input column index of keys that are plain columns → output column.
        var keyColumns: [Int: Int]
        /// S-expression text of each aggregate call → its output column.
        var aggregates: [String: Int]
        var output: Schema
    }

    let scope: Scope
    var aggregate: AggregateContext?
    /// Binds an uncorrelated scalar subquery as an init plan and returns the parameter that
    /// stands for its value.
    let scalarSubquery: (SQLQuery) throws -> PhysicalExpression

    static let aggregateNames: Set<String> = ["count", "sum", "avg", "mean", "min", "max", "stddev_samp", "stddev",
                                              "var_samp", "variance"]

    /// `e` over the scope, its constant parts computed once (`ConstantFolding`).
    func bind(_ e: SQLExpression) throws -> PhysicalExpression {
        ConstantFolding.fold(try bindUnfolded(e))
    }

    private func bindUnfolded(_ e: SQLExpression) throws -> PhysicalExpression {
        if let aggregate {
            if let index = aggregate.keys[e.description] { return column(index, in: aggregate.output) }
            if case .function(let call, _) = e, Self.aggregateNames.contains(call.name.normalized) {
                guard let index = aggregate.aggregates[e.description] else {
                    throw BindError(.invalid, "aggregate not planned", at: e.location)
                }
                return column(index, in: aggregate.output)
            }
        }
        switch e {
        case .column(let parts, let at):
            guard let index = try scope.resolve(parts) else {
                throw BindError(.unknownColumn, "unknown column '\(parts.map(\.name).joined(separator: "."))'", at: at)
            }
            if let aggregate {
                guard let key = aggregate.keyColumns[index] else {
                    throw BindError(.invalid, "column '\(parts.map(\.name).joined(separator: "."))' must appear in GROUP BY or be used in an aggregate function", at: at)
                }
                return column(key, in: aggregate.output)
            }
            return .column(index, scope.entries[index].type)
        case .literal(let literal, let at):
            return .literal(try Self.value(of: literal, at: at))
        case .unary(let op, let operand, _):
            let inner = try bind(operand)
            switch op {
            case .not: return .not(inner)
            case .negate: return .negate(inner)
            case .plus: return inner
            }
        case .binary(let op, let l, let r, let at):
            return try binary(op, l, r, at: at)
        case .isNull(let operand, let negated, _):
            let inner = try bind(operand)
            return negated ? .isNotNull(inner) : .isNull(inner)
        case .isBoolean(let operand, let value, let negated, _):
            let test = PhysicalExpression.isDistinctFrom(try bind(operand), .literal(.bool(value)), negated: true)
            return negated ? .not(test) : test
        case .between(let operand, let low, let high, let negated, _):
            let (a, l) = try coerced(try bind(operand), try bind(low))
            let (_, h) = try coerced(a, try bind(high))
            return .between(a, low: try inDecimalType(of: a, l), high: try inDecimalType(of: a, h), negated: negated)
        case .inList(let operand, let list, let negated, _):
            let a = try bind(operand)
            return .inList(a, try list.map { try coerced(a, try bind($0)).1 }, negated: negated)
        case .like(let operand, let pattern, let escape, let caseInsensitive, let negated, let at):
            guard case .literal(.string(let text), _) = pattern else {
                throw BindError(.unsupported, "LIKE needs a constant pattern", at: at)
            }
            var escapeCharacter: Character?
            if let escape {
                guard case .literal(.string(let e), _) = escape, e.count == 1 else {
                    throw BindError(.invalid, "ESCAPE needs a single character", at: at)
                }
                escapeCharacter = e.first
            }
            let compiled = try LikePattern(text, escape: escapeCharacter, caseInsensitive: caseInsensitive)
            return .like(try bind(operand), compiled, negated: negated)
        case .caseWhen(let operand, let branches, let otherwise, _):
            let subject = try operand.map(bind)
            let bound = try branches.map { branch -> CaseBranch in
                let condition = try bind(branch.condition)
                let when = subject.map { PhysicalExpression.compare(.equal, $0, condition) } ?? condition
                return CaseBranch(when: when, then: try bind(branch.result))
            }
            return .caseWhen(bound, otherwise: try otherwise.map(bind))
        case .cast(let operand, let type, _):
            return .cast(try bind(operand), Self.dataType(type))
        case .function(let call, let at):
            return try function(call, at: at)
        case .subquery(let query, _):
            return try scalarSubquery(query)
        case .inSubquery(_, _, _, let at), .exists(_, let at):
            throw BindError(.unsupported, "IN (SELECT …) and EXISTS are supported as WHERE conditions", at: at)
        }
    }

    func type(of e: PhysicalExpression) throws -> DataType {
        try ExpressionEvaluator.resultType(of: e, schema: Schema([]))
    }

    private func column(_ index: Int, in schema: Schema) -> PhysicalExpression {
        .column(index, schema.fields[index].type)
    }

    private func binary(_ op: SQLBinaryOperator, _ l: SQLExpression, _ r: SQLExpression, at: SourceLocation) throws -> PhysicalExpression {
        if let folded = try foldedDateInterval(op, l, r) { return folded }
        switch op {
        case .and: return .and(try bind(l), try bind(r))
        case .or: return .or(try bind(l), try bind(r))
        case .concat:
            // The operator is NULL when either side is (concat() skips NULLs instead).
            let a = try bind(l), b = try bind(r)
            return .caseWhen([CaseBranch(when: .or(.isNull(a), .isNull(b)), then: .cast(.literal(.null), .string))],
                             otherwise: .function(.concat, [a, b]))
        case .isDistinctFrom, .isNotDistinctFrom:
            let (a, b) = try coerced(try bind(l), try bind(r))
            return .isDistinctFrom(a, b, negated: op == .isNotDistinctFrom)
        case .add, .subtract, .multiply, .divide, .modulo:
            let arithmetic: ArithmeticOperator = switch op {
            case .add: .add
            case .subtract: .subtract
            case .multiply: .multiply
            case .divide: .divide
            default: .modulo
            }
            var a = try bind(l), b = try bind(r)
            // An integer next to a DECIMAL becomes DECIMAL(digits, 0) of its width, as in DuckDB.
            if case .decimal = try type(of: a), let w = try IntegerWidth.of(b, binder: self) { b = .cast(b, IntegerWidth.decimal(w)) }
            if case .decimal = try type(of: b), let w = try IntegerWidth.of(a, binder: self) { a = .cast(a, IntegerWidth.decimal(w)) }
            let result = PhysicalExpression.arithmetic(arithmetic, a, b)
            guard arithmetic != .divide, let width = try IntegerWidth.combined(a, b, binder: self), width < 64 else { return result }
            return .cast(result, IntegerWidth.type(width))
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            let comparison: ComparisonOperator = switch op {
            case .equal: .equal
            case .notEqual: .notEqual
            case .less: .less
            case .lessOrEqual: .lessOrEqual
            case .greater: .greater
            default: .greaterOrEqual
            }
            let (a, b) = try coerced(try bind(l), try bind(r))
            return .compare(comparison, try inDecimalType(of: b, a), try inDecimalType(of: a, b))
        }
    }

    /// A string literal compared with a date, timestamp or number is read as that type.
    /// A number literal compared with a DECIMAL(p, s) expression, written in that type when that
    /// loses nothing (an integer, or a decimal of scale ≤ s, that fits): the comparison then runs
    /// on the column's own values instead of widening every row to a common type.
    func inDecimalType(of other: PhysicalExpression, _ e: PhysicalExpression) throws -> PhysicalExpression {
        guard case .literal(let value) = e, case .decimal(_, let scale) = try type(of: other) else { return e }
        switch value {
        case .int64: break
        case .decimal(_, _, let literalScale) where literalScale <= scale: break
        default: return e
        }
        let converted = ConstantFolding.fold(.cast(e, try type(of: other)))
        if case .literal = converted { return converted }
        return e
    }

    func coerced(_ a: PhysicalExpression, _ b: PhysicalExpression) throws -> (PhysicalExpression, PhysicalExpression) {
        func target(_ e: PhysicalExpression) throws -> DataType? {
            let t = try type(of: e)
            switch t {
            case .date, .timestamp, .int8, .int16, .int32, .int64, .float64, .decimal, .boolean: return t
            default: return nil
            }
        }
        if case .literal(.string) = b, let t = try target(a) { return (a, .cast(b, t)) }
        if case .literal(.string) = a, let t = try target(b) { return (.cast(a, t), b) }
        return (a, b)
    }

    private func function(_ call: SQLFunctionCall, at: SourceLocation) throws -> PhysicalExpression {
        let name = call.name.normalized
        if Self.aggregateNames.contains(name) {
            throw BindError(.invalid, "aggregate function \(name) is not allowed here", at: at)
        }
        let args = try call.arguments.map(bind)
        func arity(_ range: ClosedRange<Int>) throws {
            guard range.contains(args.count) else {
                throw BindError(.invalid, "\(name) takes \(range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)") arguments, got \(args.count)", at: at)
            }
        }
        switch name {
        case "abs": try arity(1...1); return .function(.abs, args)
        case "round": try arity(1...2); return .function(.round, args)
        case "floor": try arity(1...1); return .function(.floor, args)
        case "ceil", "ceiling": try arity(1...1); return .function(.ceil, args)
        case "lower", "lcase": try arity(1...1); return .function(.lower, args)
        case "upper", "ucase": try arity(1...1); return .function(.upper, args)
        case "length", "char_length", "character_length": try arity(1...1); return .function(.length, args)
        case "substring", "substr": try arity(2...3); return .function(.substring, args)
        case "concat": try arity(1...64); return .function(.concat, args)
        case "trim": try arity(1...2); return .function(.trim, args)
        case "ltrim": try arity(1...2); return .function(.ltrim, args)
        case "rtrim": try arity(1...2); return .function(.rtrim, args)
        case "coalesce": try arity(1...64); return .coalesce(args)
        case "date_trunc", "datetrunc":
            try arity(2...2)
            return .function(.dateTrunc(try datePart(call.arguments[0], at: at)), [args[1]])
        case "date_part", "datepart", "extract":
            try arity(2...2)
            return .function(.datePart(try datePart(call.arguments[0], at: at)), [args[1]])
        case "year", "quarter", "month", "week", "day", "hour", "minute", "second", "dayofweek", "dayofyear":
            try arity(1...1)
            guard let part = DatePart(sqlName: name) else { throw BindError(.unsupported, "unknown date part \(name)", at: at) }
            return .function(.datePart(part), args)
        default:
            throw BindError(.unsupported, "unknown function \(call.name.name)", at: at)
        }
    }

    private func datePart(_ e: SQLExpression, at: SourceLocation) throws -> DatePart {
        guard case .literal(.string(let text), _) = e, let part = DatePart(sqlName: text.lowercased()) else {
            throw BindError(.invalid, "expected a date part such as 'hour' or 'day'", at: e.location)
        }
        return part
    }

    static func value(of literal: SQLLiteral, at: SourceLocation) throws -> ScalarValue {
        switch literal {
        case .null: return .null
        case .boolean(let b): return .bool(b)
        case .integer(let i): return .int64(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .decimal(let text):
            guard let value = DecimalLiteral(text) else { throw BindError(.invalid, "invalid number \(text)", at: at) }
            return value.scalar
        case .date(let text):
            guard let days = TemporalText.days(text) else { throw BindError(.invalid, "invalid DATE '\(text)'", at: at) }
            return .date(Int32(days))
        case .timestamp(let text):
            guard let micros = TemporalText.micros(text) ?? TemporalText.days(text).map({ $0 * 86_400_000_000 }) else {
                throw BindError(.invalid, "invalid TIMESTAMP '\(text)'", at: at)
            }
            return .timestamp(micros)
        case .interval:
            throw BindError(.unsupported, "INTERVAL literals are not supported", at: at)
        }
    }

    static func dataType(_ t: SQLType) -> DataType {
        switch t {
        case .boolean: return .boolean
        case .tinyint: return .int8
        case .smallint: return .int16
        case .integer: return .int32
        case .bigint: return .int64
        case .float, .double: return .float64
        case .decimal(let p, let s): return .decimal(precision: p ?? 18, scale: s ?? 3)
        case .string: return .string
        case .date: return .date
        case .timestamp: return .timestamp(.micros, utc: true)
        }
    }
}

/// A numeric literal with a decimal point: DECIMAL(p, s) as DuckDB types it (2.5 → DECIMAL(2,1)),
/// or DOUBLE beyond 38 digits.
struct DecimalLiteral {
    let scalar: ScalarValue

    init?(_ text: String) {
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              !(parts[0].isEmpty && (parts.count == 1 || parts[1].isEmpty)) else {
            guard let d = Double(text) else { return nil }
            scalar = .double(d); return
        }
        let integer = String(parts[0]), fraction = parts.count == 2 ? String(parts[1]) : ""
        let digits = (integer + fraction).drop { $0 == "0" }
        let precision = max(digits.count, fraction.count, 1)
        guard precision <= 38, let magnitude = Int128(integer + fraction) else {
            guard let d = Double(text) else { return nil }
            scalar = .double(d); return
        }
        scalar = .decimal(negative ? -magnitude : magnitude, precision: precision, scale: fraction.count)
    }
}

extension DatePart {
    init?(sqlName: String) {
        switch sqlName {
        case "year", "years", "yyyy": self = .year
        case "quarter": self = .quarter
        case "month", "months", "mon": self = .month
        case "week", "weeks": self = .week
        case "day", "days", "dd": self = .day
        case "hour", "hours", "hh": self = .hour
        case "minute", "minutes", "mi": self = .minute
        case "second", "seconds", "ss": self = .second
        case "millisecond", "milliseconds": self = .millisecond
        case "microsecond", "microseconds": self = .microsecond
        case "dow", "dayofweek": self = .dayOfWeek
        case "doy", "dayofyear": self = .dayOfYear
        case "epoch": self = .epoch
        default: return nil
        }
    }
}

/// DuckDB computes integer arithmetic in the wider operand's type (INTEGER + INTEGER is an
/// INTEGER and overflows at 2^31); integer literals are INTEGER when they fit, else BIGINT.
enum IntegerWidth {
    static func of(_ e: PhysicalExpression, binder: ExpressionBinder) throws -> Int? {
        if case .literal(.int64(let v)) = e { return Int32(exactly: v) != nil ? 32 : 64 }
        if case .cast(_, let t) = e { return width(t) }
        // Columns carry their declared type (the kernels compute every integer as 64-bit).
        if case .column(_, let t) = e { return width(t) }
        return width(try binder.type(of: e))
    }

    /// Result width of integer arithmetic: the wider side; a literal that fits the other side's
    /// type takes that type (DuckDB's integer literals adapt: TINYINT * 2 is a TINYINT).
    static func combined(_ a: PhysicalExpression, _ b: PhysicalExpression, binder: ExpressionBinder) throws -> Int? {
        guard let wa = try of(a, binder: binder), let wb = try of(b, binder: binder) else { return nil }
        if case .literal(.int64(let v)) = b, fits(v, wa) { return wa }
        if case .literal(.int64(let v)) = a, fits(v, wb) { return wb }
        return max(wa, wb)
    }

    static func fits(_ v: Int64, _ width: Int) -> Bool {
        width >= 64 || (v >= -(Int64(1) << (width - 1)) && v < (Int64(1) << (width - 1)))
    }

    /// DECIMAL holding any value of an integer width (DuckDB: TINYINT → DECIMAL(3,0) … BIGINT → DECIMAL(19,0)).
    static func decimal(_ width: Int) -> DataType {
        .decimal(precision: width == 8 ? 3 : width == 16 ? 5 : width == 32 ? 10 : 19, scale: 0)
    }

    static func width(_ t: DataType) -> Int? {
        switch t {
        case .int8: 8
        case .int16: 16
        case .int32: 32
        case .int64: 64
        default: nil
        }
    }

    static func type(_ width: Int) -> DataType {
        switch width {
        case 8: .int8
        case 16: .int16
        default: .int32
        }
    }
}
