import Columnar

/// + - * / // % with DuckDB's semantics: integer and decimal overflow is an error, integer and
/// decimal `//` and `%` by zero is an error (DuckDB 1.4+/2.x), `/` divides as doubles (x/0 = ±inf, NaN).
enum Arithmetic {
    static func apply(_ op: ArithmeticOperator, _ a: Vector, _ b: Vector, context: PhysicalExpression) throws(QueryError) -> Vector {
        let type = try TypeRules.arithmetic(op, a.type, b.type, context.description)
        let validity = andValidity(a.validity, b.validity)
        if type == .date {
            // date ± integer days
            let (d, k) = a.type == .date ? (a, b) : (b, a)
            var r = try ints(op == .add ? .add : .subtract, d.ints, k.ints, validity, context)
            if op == .subtract && a.type != .date { r = r.map { -$0 } }
            return Vector(type: .date, values: .int(r), validity: validity)
        }
        switch type {
        case .int64:
            return Vector(type: .int64, values: .int(try ints(op, a.ints, b.ints, validity, context)), validity: validity)
        case .float64:
            let x = try Cast.apply(a, to: .float64, context: context).doubles
            let y = try Cast.apply(b, to: .float64, context: context).doubles
            return Vector(type: .float64, values: .double(doubles(op, x, y)), validity: validity)
        case .decimal(let p, let s):
            let da = TypeRules.asDecimal(a.type)!, db = TypeRules.asDecimal(b.type)!
            let x = try widen(a), y = try widen(b)
            let r = try decimals(op, x, da.s, y, db.s, resultScale: s, precision: p, validity, context)
            return Vector(type: type, values: .wide(r), validity: validity)
        default:
            throw QueryError(.typeMismatch, "operator \(op.rawValue) on \(a.type) in \(context)")
        }
    }

    private static func widen(_ v: Vector) throws(QueryError) -> [Int128] {
        switch v.values {
        case .wide(let w): return w
        case .int(let i): return i.map { Int128($0) }
        case .bool(let b): return b.map { $0 ? 1 : 0 }
        default: throw QueryError(.typeMismatch, "expected a decimal")
        }
    }

    static func negate(_ a: Vector, context: PhysicalExpression) throws(QueryError) -> Vector {
        switch a.values {
        case .int(let v):
            var out = v
            for i in out.indices {
                if out[i] == .min && a.isValid(i) { throw QueryError(.overflow, "integer overflow in \(context)") }
                out[i] = 0 &- out[i]
            }
            return Vector(type: a.type, values: .int(out), validity: a.validity)
        case .double(let v): return Vector(type: a.type, values: .double(v.map { -$0 }), validity: a.validity)
        case .wide(let v): return Vector(type: a.type, values: .wide(v.map { 0 &- $0 }), validity: a.validity)
        default: throw QueryError(.typeMismatch, "cannot negate \(a.type) in \(context)")
        }
    }

    static func ints(_ op: ArithmeticOperator, _ a: [Int64], _ b: [Int64], _ validity: [Bool]?, _ context: PhysicalExpression) throws(QueryError) -> [Int64] {
        let n = a.count
        var out = [Int64](repeating: 0, count: n)
        var bad = false
        out.withUnsafeMutableBufferPointer { o in
            a.withUnsafeBufferPointer { x in
                b.withUnsafeBufferPointer { y in
                    switch op {
                    case .add:
                        for i in 0..<n { let r = x[i] &+ y[i]; o[i] = r; bad = bad || ((x[i] ^ r) & (y[i] ^ r)) < 0 }
                    case .subtract:
                        for i in 0..<n { let r = x[i] &- y[i]; o[i] = r; bad = bad || ((x[i] ^ y[i]) & (x[i] ^ r)) < 0 }
                    case .multiply:
                        for i in 0..<n { let (r, f) = x[i].multipliedReportingOverflow(by: y[i]); o[i] = r; bad = bad || f }
                    case .integerDivide, .modulo:
                        // NULL rows may hold a zero divisor: those produce 0 without dividing.
                        for i in 0..<n {
                            let d = y[i]
                            if d == 0 || (d == -1 && x[i] == .min) { bad = true; o[i] = 0; continue }
                            o[i] = op == .modulo ? x[i] % d : x[i] / d
                        }
                    case .divide: break
                    }
                }
            }
        }
        if bad {
            // Only rows that are not NULL count.
            for i in 0..<n where validity?[i] ?? true {
                switch op {
                case .integerDivide, .modulo:
                    if b[i] == 0 { throw QueryError(.divisionByZero, "division by zero in \(context)") }
                    if b[i] == -1 && a[i] == .min { throw QueryError(.overflow, "integer overflow in \(context)") }
                case .add: if a[i].addingReportingOverflow(b[i]).overflow { throw QueryError(.overflow, "integer overflow in \(context)") }
                case .subtract: if a[i].subtractingReportingOverflow(b[i]).overflow { throw QueryError(.overflow, "integer overflow in \(context)") }
                case .multiply: if a[i].multipliedReportingOverflow(by: b[i]).overflow { throw QueryError(.overflow, "integer overflow in \(context)") }
                case .divide: break
                }
            }
        }
        return out
    }

    static func doubles(_ op: ArithmeticOperator, _ a: [Double], _ b: [Double]) -> [Double] {
        let n = a.count
        var out = [Double](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { o in
            a.withUnsafeBufferPointer { x in
                b.withUnsafeBufferPointer { y in
                    switch op {
                    case .add: for i in 0..<n { o[i] = x[i] + y[i] }
                    case .subtract: for i in 0..<n { o[i] = x[i] - y[i] }
                    case .multiply: for i in 0..<n { o[i] = x[i] * y[i] }
                    case .divide: for i in 0..<n { o[i] = x[i] / y[i] }
                    case .integerDivide: for i in 0..<n { o[i] = (x[i] / y[i]).rounded(.down) }
                    case .modulo: for i in 0..<n { o[i] = x[i].truncatingRemainder(dividingBy: y[i]) }
                    }
                }
            }
        }
        return out
    }

    static func decimals(_ op: ArithmeticOperator, _ a: [Int128], _ sa: Int, _ b: [Int128], _ sb: Int, resultScale s: Int, precision p: Int, _ validity: [Bool]?, _ context: PhysicalExpression) throws(QueryError) -> [Int128] {
        let n = a.count
        var out = [Int128](repeating: 0, count: n)
        // Results of precision ≤ 18 must fit DECIMAL(18) (DuckDB checks the 18 digits, not the
        // 64-bit range), wider ones 38 digits.
        let limit: Int128 = p <= 18 ? pow10[18] - 1 : pow10[38] - 1
        let fa = pow10[s - (op == .multiply ? s : sa)], fb = pow10[s - (op == .multiply ? s : sb)]
        for i in 0..<n {
            guard validity?[i] ?? true else { continue }
            var r: Int128
            var overflow = false
            switch op {
            case .add, .subtract:
                let (x, o1) = a[i].multipliedReportingOverflow(by: fa)
                let (y, o2) = b[i].multipliedReportingOverflow(by: fb)
                let (z, o3) = op == .add ? x.addingReportingOverflow(y) : x.subtractingReportingOverflow(y)
                r = z; overflow = o1 || o2 || o3
            case .multiply:
                let (z, o) = a[i].multipliedReportingOverflow(by: b[i])
                r = z; overflow = o
            case .modulo:
                let x = a[i] * fa, y = b[i] * fb
                if y == 0 { throw QueryError(.divisionByZero, "division by zero in \(context)") }
                r = x % y
            default:
                throw QueryError(.unsupported, "operator \(op.rawValue) on decimals in \(context)")
            }
            if overflow || r > limit || r < -limit {
                throw QueryError(.overflow, "decimal overflow in \(context)")
            }
            out[i] = r
        }
        return out
    }
}
