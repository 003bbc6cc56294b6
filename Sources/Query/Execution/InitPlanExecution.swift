import Columnar
import QueryKernels

extension QueryExecutor {
    /// Runs the init plans in order, each with the values of those before it, and returns
    /// their values: NULL for a plan without rows, an error for one with more than one.
    func initPlanValues(_ plans: [LogicalPlan]) throws -> [ScalarValue] {
        var values: [ScalarValue] = []
        for plan in plans {
            let batches = try run(plan.replacingParameters(values)).filter { $0.rowCount > 0 }
            guard batches.reduce(0, { $0 + $1.rowCount }) <= 1 else {
                throw QueryError(.invalidArgument, "a scalar subquery returned more than one row")
            }
            values.append(batches.first.map { ScalarValue($0.columns[0], row: 0) } ?? .null)
        }
        return values
    }
}

extension LogicalPlan {
    /// The plan with `.parameter(i, _)` replaced by `values[i]` everywhere (init plans nested
    /// in it excepted: they have parameters of their own). Scan filters that gained a constant
    /// also gain the row-group pruning it allows.
    func replacingParameters(_ values: [ScalarValue]) -> LogicalPlan {
        guard !values.isEmpty else { return self }
        func replace(_ e: PhysicalExpression) -> PhysicalExpression { e.replacingParameters(values) }
        let node: LogicalPlan
        switch self {
        case .scan(let table, let source, let columns, let filter?, let pruning) where filter.hasParameters:
            let bound = replace(filter)
            node = .scan(table: table, source: source, columns: columns, filter: bound,
                         pruning: pruning + FilterIntoScan.pruningPredicates(bound, columns: columns, source: source))
        case .scan: node = self
        case .values, .unionAll, .limit, .withInitPlans: node = self
        case .filter(let input, let p): node = .filter(input, replace(p))
        case .project(let input, let e, let s): node = .project(input, e.map(replace), s)
        case .aggregate(let input, let k, let n, let a):
            node = .aggregate(input, keys: k.map(replace), keyNames: n, aggregates: a.map { $0.replacingParameters(values) })
        case .aggregateBelowJoin(let input, let k, let n, let a):
            node = .aggregateBelowJoin(input, keys: k.map(replace), keyNames: n, aggregates: a.map { $0.replacingParameters(values) })
        case .join(let l, let r, let kind, let lk, let rk, let residual):
            node = .join(l, r, kind, leftKeys: lk.map(replace), rightKeys: rk.map(replace), residual: residual.map(replace))
        case .sort(let input, let keys): node = .sort(input, keys.map { $0.replacingParameters(values) })
        case .topN(let input, let keys, let limit, let offset): node = .topN(input, keys.map { $0.replacingParameters(values) }, limit: limit, offset: offset)
        }
        if case .withInitPlans = self { return self }
        return node.mapChildren { $0.replacingParameters(values) }
    }
}

extension PhysicalExpression {
    var hasParameters: Bool {
        var found = false
        _ = transformed { e in
            if case .parameter = e { found = true }
            return e
        }
        return found
    }

    /// `.parameter(i, type)` replaced by `values[i]` as a literal of `type`, then constants folded.
    func replacingParameters(_ values: [ScalarValue]) -> PhysicalExpression {
        guard hasParameters else { return self }
        return ConstantFolding.fold(transformed { e in
            guard case .parameter(let i, let type) = e, i < values.count else { return e }
            let literal = PhysicalExpression.literal(values[i])
            let wanted = try? ExpressionEvaluator.resultType(of: e, schema: Schema([]))
            if values[i] != .null, let wanted, (try? ExpressionEvaluator.resultType(of: literal, schema: Schema([]))) == wanted {
                return literal
            }
            return .cast(literal, type)
        })
    }
}

extension AggregateSpec {
    func replacingParameters(_ values: [ScalarValue]) -> AggregateSpec {
        AggregateSpec(function, argument?.replacingParameters(values), distinct: distinct, name: name)
    }
}

extension SortKey {
    func replacingParameters(_ values: [ScalarValue]) -> SortKey {
        SortKey(expression.replacingParameters(values), ascending: ascending, nullsFirst: nullsFirst)
    }
}
