import Columnar

extension ComparisonOperator {
    /// The operator with its operands swapped: `k < x` is `x > k`.
    var flipped: ComparisonOperator {
        switch self {
        case .equal, .notEqual: return self
        case .less: return .greater
        case .lessOrEqual: return .greaterOrEqual
        case .greater: return .less
        case .greaterOrEqual: return .lessOrEqual
        }
    }
}

extension Evaluation {
    /// `column op literal` (either side) compared against the one value instead of a column of
    /// copies of it, which cost three full-batch arrays (broadcast, cast, order keys) per batch.
    /// nil when neither side is a non-NULL literal; the result equals `Comparison.compare`'s.
    func compareWithLiteral(_ op: ComparisonOperator, _ a: PhysicalExpression, _ b: PhysicalExpression,
                            context: PhysicalExpression) throws(QueryError) -> Vector? {
        guard n > 0 else { return nil }  // over no rows the literal is never cast: keep that path
        let literalOnLeft: Bool, value: ScalarValue, column: PhysicalExpression
        switch (a, b) {
        case (.literal, .literal): return nil
        case (_, .literal(let v)) where v != .null: literalOnLeft = false; value = v; column = a
        case (.literal(let v), _) where v != .null: literalOnLeft = true; value = v; column = b
        default: return nil
        }
        // Same order of evaluation as `evalPair`: the left side first.
        let one: Vector, x: Vector
        if literalOnLeft {
            one = try Literals.broadcast(value, count: 1, hint: nil)
            x = try eval(column, hint: one.type)
        } else {
            x = try eval(column)
            one = try Literals.broadcast(value, count: 1, hint: x.type)
        }
        let t = try TypeRules.common(x.type, one.type, context.description)!
        let cx = try Cast.apply(x, to: t, context: context)
        let k = try Cast.apply(one, to: t, context: context)
        if let r = Comparison.compare(literalOnLeft ? op.flipped : op, cx, scalar: k) { return r }
        // No scalar kernel for this storage: compare against the literal broadcast to every row.
        let all = try Cast.apply(try Literals.broadcast(value, count: n, hint: x.type), to: t, context: context)
        return literalOnLeft ? Comparison.compare(op, all, cx) : Comparison.compare(op, cx, all)
    }
}

extension Comparison {
    /// `a[i] op k[0]` for every row (`k` one non-NULL value of `a`'s kernel type), or nil when the
    /// storage has no scalar kernel. Validity is `a`'s, as `compare` gives against a non-NULL column.
    static func compare(_ op: ComparisonOperator, _ a: Vector, scalar k: Vector) -> Vector? {
        guard k.count == 1, k.isValid(0) else { return nil }
        let out: [Bool]
        switch (a.values, k.values) {
        case (.int(let x), .int(let y)): out = scalarLoop(op, x, y[0])
        case (.double(let x), .double(let y)):
            out = y[0].isNaN ? doubleScalarLoop(op, x, doubleKey(y[0])) : doubleScalarLoop(op, x, notNaN: y[0])
        case (.wide(let x), .wide(let y)): out = scalarLoop(op, x, y[0])
        default: return nil
        }
        return Vector(type: .boolean, values: .bool(out), validity: a.validity)
    }

    private static func scalarLoop<T: Comparable>(_ op: ComparisonOperator, _ a: [T], _ k: T) -> [Bool] {
        let n = a.count
        return [Bool](unsafeUninitializedCapacity: n) { o, done in
            a.withUnsafeBufferPointer { x in
                switch op {
                case .equal: for i in 0..<n { o[i] = x[i] == k }
                case .notEqual: for i in 0..<n { o[i] = x[i] != k }
                case .less: for i in 0..<n { o[i] = x[i] < k }
                case .lessOrEqual: for i in 0..<n { o[i] = x[i] <= k }
                case .greater: for i in 0..<n { o[i] = x[i] > k }
                case .greaterOrEqual: for i in 0..<n { o[i] = x[i] >= k }
                }
            }
            done = n
        }
    }

    /// `doubleKey` order against a number `k`: IEEE comparisons already make -0 = +0, and a NaN
    /// row (largest in DuckDB) must be > and >= but not <, <=, =: so > is !(<=) and >= is !(<).
    /// Plain float compares vectorise; the order-key loop below does not.
    private static func doubleScalarLoop(_ op: ComparisonOperator, _ a: [Double], notNaN k: Double) -> [Bool] {
        let n = a.count
        return [Bool](unsafeUninitializedCapacity: n) { o, done in
            a.withUnsafeBufferPointer { x in
                switch op {
                case .equal: for i in 0..<n { o[i] = x[i] == k }
                case .notEqual: for i in 0..<n { o[i] = x[i] != k }
                case .less: for i in 0..<n { o[i] = x[i] < k }
                case .lessOrEqual: for i in 0..<n { o[i] = x[i] <= k }
                case .greater: for i in 0..<n { o[i] = !(x[i] <= k) }
                case .greaterOrEqual: for i in 0..<n { o[i] = !(x[i] < k) }
                }
            }
            done = n
        }
    }

    /// Doubles compare by `doubleKey` (DuckDB's order: -0 = +0, NaN equal to NaN and largest).
    private static func doubleScalarLoop(_ op: ComparisonOperator, _ a: [Double], _ k: Int64) -> [Bool] {
        let n = a.count
        return [Bool](unsafeUninitializedCapacity: n) { o, done in
            a.withUnsafeBufferPointer { x in
                switch op {
                case .equal: for i in 0..<n { o[i] = doubleKey(x[i]) == k }
                case .notEqual: for i in 0..<n { o[i] = doubleKey(x[i]) != k }
                case .less: for i in 0..<n { o[i] = doubleKey(x[i]) < k }
                case .lessOrEqual: for i in 0..<n { o[i] = doubleKey(x[i]) <= k }
                case .greater: for i in 0..<n { o[i] = doubleKey(x[i]) > k }
                case .greaterOrEqual: for i in 0..<n { o[i] = doubleKey(x[i]) >= k }
                }
            }
            done = n
        }
    }
}
