import Columnar

/// Evaluates physical expressions over whole batches, one kernel per operator node.
public enum ExpressionEvaluator {
    public static func evaluate(_ e: PhysicalExpression, on batch: RecordBatch) throws(QueryError) -> Column {
        try Evaluation(batch: batch).eval(e).column()
    }

    /// The rows of `batch` where `predicate` is TRUE (NULL and FALSE drop the row).
    public static func filter(_ batch: RecordBatch, _ predicate: PhysicalExpression) throws(QueryError) -> RecordBatch {
        let mask = try Evaluation(batch: batch).eval(predicate)
        guard mask.type == .boolean else {
            throw QueryError(.typeMismatch, "filter \(predicate) is \(mask.type), not boolean")
        }
        let selection = Selection.fromMask(mask.bools, validity: mask.validity)
        if selection.count == batch.rowCount { return batch }
        return batch.take(selection)
    }

    /// The rows where `predicate` is TRUE, of the batch's columns `keeping` only (in that order):
    /// columns the filter alone reads are not copied.
    public static func filter(_ batch: RecordBatch, _ predicate: PhysicalExpression, keeping: [Int]) throws(QueryError) -> RecordBatch {
        let mask = try Evaluation(batch: batch).eval(predicate)
        guard mask.type == .boolean else {
            throw QueryError(.typeMismatch, "filter \(predicate) is \(mask.type), not boolean")
        }
        let kept = batch.selecting(keeping)
        let selection = Selection.fromMask(mask.bools, validity: mask.validity)
        if selection.count == batch.rowCount { return kept }
        return kept.take(selection)
    }

    /// The kernel type of `e` over columns of `schema` (evaluated on an empty batch).
    public static func resultType(of e: PhysicalExpression, schema: Schema) throws(QueryError) -> DataType {
        try Evaluation(batch: nil, rows: 0).eval(e).type
    }
}

/// One evaluation over one batch (`batch == nil`: type inference over zero rows).
struct Evaluation {
    let batch: RecordBatch?
    let n: Int

    init(batch: RecordBatch) { self.batch = batch; n = batch.rowCount }
    init(batch: RecordBatch?, rows: Int) { self.batch = batch; n = rows }

    func eval(_ e: PhysicalExpression, hint: DataType? = nil) throws(QueryError) -> Vector {
        switch e {
        case .column(let i, let type):
            guard let batch else {
                guard let t = KernelType.normalize(type) else {
                    throw QueryError(.unsupported, "column #\(i): type \(type) is not supported in expressions")
                }
                return Vector(type: t, values: Vector.zeros(t, n), validity: nil)
            }
            guard i >= 0, i < batch.columns.count else {
                throw QueryError(.invalidArgument, "column #\(i) is out of range (batch has \(batch.columns.count) columns)")
            }
            let name = i < batch.schema.fields.count ? "column '\(batch.schema.fields[i].name)'" : "column #\(i)"
            return try Vector(column: batch.columns[i], name: name)
        case .literal(let v):
            return try Literals.broadcast(v, count: n, hint: hint)
        case .parameter(let i, let type):
            // Type inference only: running plans have their parameters replaced by values.
            guard batch == nil, let t = KernelType.normalize(type) else {
                throw QueryError(.invalidArgument, "subquery value $\(i) was used before the subquery ran")
            }
            return Vector(type: t, values: Vector.zeros(t, n), validity: nil)
        case .arithmetic(let op, let a, let b):
            let (x, y) = try evalPair(a, b)
            return try Arithmetic.apply(op, x, y, context: e)
        case .negate(let a):
            return try Arithmetic.negate(eval(a, hint: hint), context: e)
        case .compare(let op, let a, let b):
            if let r = try compareWithLiteral(op, a, b, context: e) { return r }
            let (x, y) = try evalCommon(a, b, context: e)
            return Comparison.compare(op, x, y)
        case .and(let a, let b):
            return Logic.and(try evalBool(a, e), try evalBool(b, e))
        case .or(let a, let b):
            return Logic.or(try evalBool(a, e), try evalBool(b, e))
        case .not(let a):
            return Logic.not(try evalBool(a, e))
        case .isNull(let a):
            return Logic.isNull(try eval(a), negated: false)
        case .isNotNull(let a):
            return Logic.isNull(try eval(a), negated: true)
        case .isDistinctFrom(let a, let b, let negated):
            let (x, y) = try evalCommon(a, b, context: e)
            return Comparison.distinct(x, y, negated: negated)
        case .between(let a, let low, let high, let negated):
            let x = try eval(a)
            let lo = try eval(low, hint: x.type), hi = try eval(high, hint: x.type)
            let t1 = try TypeRules.common(x.type, lo.type, e.description)!
            let t2 = try TypeRules.common(x.type, hi.type, e.description)!
            let ge = Comparison.compare(.greaterOrEqual, try Cast.apply(x, to: t1, context: e), try Cast.apply(lo, to: t1, context: e))
            let le = Comparison.compare(.lessOrEqual, try Cast.apply(x, to: t2, context: e), try Cast.apply(hi, to: t2, context: e))
            let r = Logic.and(ge, le)
            return negated ? Logic.not(r) : r
        case .inList(let a, let list, let negated):
            return try inList(a, list, negated: negated, context: e)
        case .like(let a, let pattern, let negated):
            let x = try eval(a, hint: .string)
            guard x.type == .string else { throw QueryError(.typeMismatch, "LIKE needs a string, not \(x.type), in \(e)") }
            return pattern.match(x, negated: negated)
        case .caseWhen(let branches, let otherwise):
            return try caseWhen(branches, otherwise, context: e, hint: hint)
        case .cast(let a, let type):
            guard let target = KernelType.normalize(type) else {
                throw QueryError(.unsupported, "CAST to \(type) in \(e)")
            }
            return try Cast.apply(eval(a, hint: target), to: type, context: e)
        case .coalesce(let list):
            return try coalesce(list, context: e, hint: hint)
        case .function(let f, let args):
            return try Functions.apply(f, args, in: self, context: e)
        }
    }

    func evalBool(_ a: PhysicalExpression, _ context: PhysicalExpression) throws(QueryError) -> Vector {
        let v = try eval(a, hint: .boolean)
        guard v.type == .boolean else {
            throw QueryError(.typeMismatch, "\(a) is \(v.type), not boolean, in \(context)")
        }
        return v
    }

    /// Evaluates both sides, giving an untyped NULL the other side's type.
    func evalPair(_ a: PhysicalExpression, _ b: PhysicalExpression) throws(QueryError) -> (Vector, Vector) {
        if case .literal(.null) = a {
            let y = try eval(b)
            return (try eval(a, hint: y.type), y)
        }
        let x = try eval(a)
        return (x, try eval(b, hint: x.type))
    }

    /// Both sides cast to their common type.
    func evalCommon(_ a: PhysicalExpression, _ b: PhysicalExpression, context: PhysicalExpression) throws(QueryError) -> (Vector, Vector) {
        let (x, y) = try evalPair(a, b)
        let t = try TypeRules.common(x.type, y.type, context.description)!
        return (try Cast.apply(x, to: t, context: context), try Cast.apply(y, to: t, context: context))
    }

    private func inList(_ a: PhysicalExpression, _ list: [PhysicalExpression], negated: Bool, context: PhysicalExpression) throws(QueryError) -> Vector {
        let x = try eval(a)
        var result = Vector(type: .boolean, values: .bool([Bool](repeating: false, count: n)), validity: nil)
        for item in list {
            let y = try eval(item, hint: x.type)
            let t = try TypeRules.common(x.type, y.type, context.description)!
            let eq = Comparison.compare(.equal, try Cast.apply(x, to: t, context: context), try Cast.apply(y, to: t, context: context))
            result = Logic.or(result, eq)
        }
        if list.isEmpty, x.validity != nil { result.validity = x.validity }
        return negated ? Logic.not(result) : result
    }

    private func coalesce(_ list: [PhysicalExpression], context: PhysicalExpression, hint: DataType?) throws(QueryError) -> Vector {
        guard !list.isEmpty else { throw QueryError(.invalidArgument, "coalesce needs at least one argument") }
        var parts: [Vector] = []
        var type: DataType? = nil
        for item in list where item != .literal(.null) {
            let v = try eval(item, hint: type ?? hint)
            type = try TypeRules.common(type, v.type, context.description)
            parts.append(v)
        }
        let t = type ?? hint ?? .int64
        guard !parts.isEmpty else { return Vector.allNull(t, count: n) }
        var result = try Cast.apply(parts[0], to: t, context: context)
        for p in parts.dropFirst() {
            guard let validity = result.validity else { break }
            let next = try Cast.apply(p, to: t, context: context)
            result = Select.choose(mask: validity, ifTrue: result, ifFalse: next)
        }
        return result
    }

    /// CASE evaluates each THEN only on the rows that reach it, so `CASE WHEN x <> 0 THEN 1 // x END`
    /// cannot fail on the rows where x = 0 (as in DuckDB).
    private func caseWhen(_ branches: [CaseBranch], _ otherwise: PhysicalExpression?, context: PhysicalExpression, hint: DataType?) throws(QueryError) -> Vector {
        var remaining = [Bool](repeating: true, count: n)  // rows not yet claimed by a branch
        var pieces: [(rows: Selection, values: Vector)] = []
        var type: DataType? = nil
        for branch in branches {
            let cond = try evalBool(branch.when, context)
            let bools = cond.bools
            var hit = [Bool](repeating: false, count: n)
            for i in 0..<n where remaining[i] && bools[i] && cond.isValid(i) {
                hit[i] = true
                remaining[i] = false
            }
            let rows = Selection.fromMask(hit, validity: nil)
            let v = try sub(rows).eval(branch.then, hint: type ?? hint)
            type = try TypeRules.common(type, v.type, context.description)
            pieces.append((rows, v))
        }
        let rest = Selection.fromMask(remaining, validity: nil)
        if let otherwise {
            let v = try sub(rest).eval(otherwise, hint: type ?? hint)
            type = try TypeRules.common(type, v.type, context.description)
            pieces.append((rest, v))
        }
        let t = type ?? hint ?? .int64
        var builder = VectorBuilder(type: t, capacity: n)
        builder.appendNulls(n)
        var result = builder.finish()
        for (rows, v) in pieces {
            result = Select.scatter(try Cast.apply(v, to: t, context: context), at: rows, into: result)
        }
        return result
    }

    /// The same evaluation on a subset of rows.
    func sub(_ rows: Selection) -> Evaluation {
        if rows.count == n { return self }
        guard let batch else { return Evaluation(batch: nil, rows: rows.count) }
        return Evaluation(batch: batch.take(rows))
    }
}
