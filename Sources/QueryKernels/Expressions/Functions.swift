import Columnar

/// Scalar functions with DuckDB's result types and NULL handling (NULL in, NULL out, except concat).
enum Functions {
    static func apply(_ f: ScalarFunction, _ args: [PhysicalExpression], in ev: Evaluation, context: PhysicalExpression) throws(QueryError) -> Vector {
        func arity(_ range: ClosedRange<Int>) throws(QueryError) {
            guard range.contains(args.count) else {
                throw QueryError(.invalidArgument, "\(f) takes \(range.lowerBound)…\(range.upperBound) arguments, got \(args.count)")
            }
        }
        switch f {
        case .abs, .floor, .ceil:
            try arity(1...1)
            return try Numeric.unary(f, ev.eval(args[0]), context: context)
        case .round:
            try arity(1...2)
            var digits = 0
            if args.count == 2 {
                guard case .literal(.int64(let d)) = args[1], abs(d) <= 38 else {
                    throw QueryError(.unsupported, "round needs a constant integer for its digits in \(context)")
                }
                digits = Int(d)
            }
            return try Numeric.round(ev.eval(args[0]), digits: digits, context: context)
        case .lower, .upper, .length, .trim, .ltrim, .rtrim:
            try arity(1...1)
            return try Strings.unary(f, ev.eval(args[0], hint: .string), context: context)
        case .substring:
            try arity(2...3)
            let s = try ev.eval(args[0], hint: .string)
            let start = try Cast.apply(ev.eval(args[1], hint: .int64), to: .int64, context: context)
            let length = args.count == 3 ? try Cast.apply(ev.eval(args[2], hint: .int64), to: .int64, context: context) : nil
            return try Strings.substring(s, start, length, context: context)
        case .concat:
            try arity(1...Int.max)
            var parts: [Vector] = []
            for a in args { parts.append(try Cast.apply(ev.eval(a, hint: .string), to: .string, context: context)) }
            return Strings.concat(parts, rows: ev.n)
        case .dateTrunc(let unit):
            try arity(1...1)
            return try DateFunctions.trunc(unit, ev.eval(args[0]), context: context)
        case .datePart(let part):
            try arity(1...1)
            return try DateFunctions.part(part, ev.eval(args[0]), context: context)
        }
    }
}

enum Numeric {
    static func unary(_ f: ScalarFunction, _ v: Vector, context: PhysicalExpression) throws(QueryError) -> Vector {
        switch (v.values, f) {
        case (.int(let x), .abs):
            var out = x
            for i in out.indices where out[i] < 0 {
                if out[i] == .min && v.isValid(i) { throw QueryError(.overflow, "integer overflow in \(context)") }
                out[i] = 0 &- out[i]
            }
            return Vector(type: v.type, values: .int(out), validity: v.validity)
        case (.int, _): return v
        case (.double(let x), .abs): return Vector(type: v.type, values: .double(x.map { Swift.abs($0) }), validity: v.validity)
        case (.double(let x), .floor): return Vector(type: v.type, values: .double(x.map { $0.rounded(.down) }), validity: v.validity)
        case (.double(let x), _): return Vector(type: v.type, values: .double(x.map { $0.rounded(.up) }), validity: v.validity)
        case (.wide(let x), .abs): return Vector(type: v.type, values: .wide(x.map { $0 < 0 ? 0 - $0 : $0 }), validity: v.validity)
        case (.wide(let x), _):
            // floor/ceil of decimal(p, s) is decimal(p, 0)
            guard case .decimal(let p, let s) = v.type else { break }
            let f10 = pow10[s]
            let up = f == .ceil
            let out = x.map { (w: Int128) -> Int128 in
                let q = w / f10, r = w % f10
                if r == 0 { return q }
                if up { return w > 0 ? q + 1 : q }
                return w < 0 ? q - 1 : q
            }
            return Vector(type: .decimal(precision: p, scale: 0), values: .wide(out), validity: v.validity)
        default: break
        }
        throw QueryError(.typeMismatch, "\(f) needs a number, not \(v.type), in \(context)")
    }

    /// Half away from zero, as DuckDB; decimal(p, s) rounds to decimal(p, max(0, min(s, n))).
    static func round(_ v: Vector, digits: Int, context: PhysicalExpression) throws(QueryError) -> Vector {
        switch v.values {
        case .double(let x):
            if digits == 0 { return Vector(type: v.type, values: .double(x.map { $0.rounded(.toNearestOrAwayFromZero) }), validity: v.validity) }
            var f = 1.0
            for _ in 0..<Swift.abs(digits) { f *= 10 }
            let out = digits > 0
                ? x.map { let r = ($0 * f).rounded(.toNearestOrAwayFromZero) / f; return r.isFinite ? r : $0 }
                : x.map { ($0 / f).rounded(.toNearestOrAwayFromZero) * f }
            return Vector(type: v.type, values: .double(out), validity: v.validity)
        case .int(let x):
            guard digits < 0 else { return v }
            let f = Int128(pow10[-digits])
            var out = x
            for i in out.indices where v.isValid(i) {
                let r = Cast.rescale(Int128(x[i]), from: -digits, to: 0) * f
                guard let w = Int64(exactly: r) else { throw QueryError(.overflow, "integer overflow in \(context)") }
                out[i] = w
            }
            return Vector(type: v.type, values: .int(out), validity: v.validity)
        case .wide(let x):
            guard case .decimal(let p, let s) = v.type else { break }
            let target = max(0, min(s, digits))
            if digits >= s { return v }
            let out = x.map { (w: Int128) -> Int128 in
                if digits >= 0 { return Cast.rescale(w, from: s, to: target) }
                return Cast.rescale(w, from: s - digits, to: 0) * pow10[-digits]
            }
            return Vector(type: .decimal(precision: p, scale: target), values: .wide(out), validity: v.validity)
        default: break
        }
        throw QueryError(.typeMismatch, "round needs a number, not \(v.type), in \(context)")
    }
}
