import Columnar

/// DuckDB's implicit type rules, restricted to the kernel types.
enum TypeRules {
    /// Integers behave as decimal(19, 0) next to decimals (all integers are BIGINT in kernels).
    static func asDecimal(_ t: DataType) -> (p: Int, s: Int)? {
        switch t {
        case .decimal(let p, let s): return (p, s)
        case .int64: return (19, 0)
        case .boolean: return (1, 0)
        default: return nil
        }
    }

    /// The type both operands of a comparison, CASE, COALESCE or IN are cast to.
    static func common(_ a: DataType?, _ b: DataType?, _ context: @autoclosure () -> String) throws(QueryError) -> DataType? {
        guard let a else { return b }
        guard let b else { return a }
        if a == b { return a }
        switch (a, b) {
        case (.float64, .int64), (.int64, .float64), (.float64, .decimal), (.decimal, .float64): return .float64
        case (.decimal, .int64), (.int64, .decimal), (.decimal, .decimal):
            let x = asDecimal(a)!, y = asDecimal(b)!
            let s = max(x.s, y.s)
            return .decimal(precision: min(38, max(x.p - x.s, y.p - y.s) + s), scale: s)
        case (.date, KernelType.timestamp), (KernelType.timestamp, .date): return KernelType.timestamp
        case (.boolean, .int64), (.int64, .boolean): return .int64
        default:
            throw QueryError(.typeMismatch, "cannot compare or combine \(a) and \(b) in \(context())")
        }
    }

    static func arithmetic(_ op: ArithmeticOperator, _ a: DataType, _ b: DataType, _ context: @autoclosure () -> String) throws(QueryError) -> DataType {
        let mismatch = QueryError(.typeMismatch, "operator \(op.rawValue) cannot be applied to \(a) and \(b) in \(context())")
        switch (a, b) {
        case (.date, .int64) where op == .add || op == .subtract: return .date
        case (.int64, .date) where op == .add: return .date
        default: break
        }
        guard isNumeric(a), isNumeric(b) else { throw mismatch }
        if op == .divide { return .float64 }
        if a == .float64 || b == .float64 { return .float64 }
        if a == .int64 && b == .int64 { return .int64 }
        let x = asDecimal(a)!, y = asDecimal(b)!
        switch op {
        case .add, .subtract:
            let s = max(x.s, y.s)
            return .decimal(precision: min(38, max(x.p - x.s, y.p - y.s) + s + 1), scale: s)
        case .multiply:
            let s = x.s + y.s
            guard s <= 38 else { throw QueryError(.overflow, "decimal scale of \(context()) exceeds 38") }
            var p = x.p + y.p
            // DuckDB keeps a product of two 64-bit decimals in 64 bits (checked at run time).
            if x.p <= 18 && y.p <= 18 && p > 18 { p = 18 }
            return .decimal(precision: min(38, max(p, s)), scale: s)
        case .modulo:
            let s = max(x.s, y.s)
            return .decimal(precision: min(38, max(x.p - x.s, y.p - y.s) + s), scale: s)
        case .integerDivide:
            throw QueryError(.unsupported, "integer division of decimals in \(context())")
        case .divide:
            return .float64
        }
    }

    static func isNumeric(_ t: DataType) -> Bool {
        switch t {
        case .int64, .float64, .decimal: return true
        default: return false
        }
    }
}

/// Powers of ten as Int128 (10^0 … 10^38).
let pow10: [Int128] = {
    var out: [Int128] = [1]
    for _ in 0..<38 { out.append(out[out.count - 1] * 10) }
    return out
}()
