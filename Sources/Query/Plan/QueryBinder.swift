import Columnar
import QueryKernels
import SQLParser

/// A bound query: its plan and the names of its visible output columns.
public struct BoundQuery: Sendable {
    public var plan: LogicalPlan
    public var names: [String]
    /// Output columns that are sums of integers (DuckDB's HUGEINT), stored as DECIMAL(38,0).
    public var hugeIntColumns: Set<Int> = []
}

/// Binds parsed SQL against a catalog: resolves tables (and CTEs), columns, aggregates,
/// subqueries, ordering and limits into a logical plan.
public struct QueryBinder {
    let catalog: Catalog
    /// Uncorrelated subqueries bound so far, shared by every copy of this binder: binding runs
    /// nothing, each one becomes an init plan of the statement.
    let initPlans = InitPlans()
    var ctes: [String: BoundQuery] = [:]

    public init(catalog: Catalog) {
        self.catalog = catalog
    }

    /// The whole statement: its plan wrapped with the init plans of its uncorrelated subqueries.
    public func bindStatement(_ query: SQLQuery) throws -> BoundQuery {
        var bound = try bind(query)
        if !initPlans.plans.isEmpty { bound.plan = .withInitPlans(bound.plan, initPlans: initPlans.plans) }
        return bound
    }

    func bind(_ query: SQLQuery) throws -> BoundQuery {
        var binder = self
        for cte in query.with {
            var bound = try binder.bind(cte.query)
            if !cte.columns.isEmpty {
                guard cte.columns.count == bound.names.count else {
                    throw BindError(.invalid, "CTE \(cte.name.name) names \(cte.columns.count) columns, its query has \(bound.names.count)", at: cte.location)
                }
                bound.names = cte.columns.map(\.name)
            }
            binder.ctes[cte.name.normalized] = bound
        }
        switch query.body {
        case .select(let select):
            return try binder.bindSelect(select, orderBy: query.orderBy, limit: query.limit, offset: query.offset)
        default:
            var bound = try binder.bindSet(query.body)
            bound = try binder.orderAndLimit(bound, orderBy: query.orderBy, limit: query.limit, offset: query.offset)
            return bound
        }
    }

    // MARK: - Set operations

    func bindSet(_ e: SetExpression) throws -> BoundQuery {
        switch e {
        case .select(let select): return try bindSelect(select, orderBy: [], limit: nil, offset: nil)
        case .query(let query): return try bind(query)
        case .setOperation(let op, let isAll, let lhs, let rhs, let at):
            guard op == .union else { throw BindError(.unsupported, "\(op.rawValue) is not supported", at: at) }
            let left = try bindSet(lhs), right = try bindSet(rhs)
            guard left.names.count == right.names.count else {
                throw BindError(.invalid, "UNION inputs have \(left.names.count) and \(right.names.count) columns", at: at)
            }
            let schema = try left.plan.schema()
            let rightSchema = try right.plan.schema()
            // Both sides get the left side's types (the result type of the union).
            let casts = zip(schema.fields, rightSchema.fields).enumerated().map { i, pair -> PhysicalExpression in
                pair.0.type == pair.1.type ? .column(i, pair.1.type) : .cast(.column(i, pair.1.type), pair.0.type)
            }
            let rightPlan = LogicalPlan.project(right.plan, casts, schema)
            var plan = LogicalPlan.unionAll([left.plan, rightPlan])
            if !isAll {
                plan = .aggregate(plan, keys: schema.fields.enumerated().map { .column($0, $1.type) },
                                  keyNames: schema.fields.map(\.name), aggregates: [])
            }
            return BoundQuery(plan: plan, names: left.names, hugeIntColumns: left.hugeIntColumns)
        }
    }

    /// ORDER BY / LIMIT over a finished relation: by output name or ordinal.
    func orderAndLimit(_ input: BoundQuery, orderBy: [OrderItem], limit: SQLExpression?, offset: SQLExpression?) throws -> BoundQuery {
        var plan = input.plan
        let schema = try plan.schema()
        let scope = Scope(input.names.enumerated().map { Scope.Entry(qualifier: nil, name: $1, type: schema.fields[$0].type) })
        let keys = try orderBy.map { item -> SortKey in
            let expression: PhysicalExpression
            if case .literal(.integer(let n), let at) = item.expression {
                guard n >= 1, n <= input.names.count else { throw BindError(.invalid, "ORDER BY position \(n) is out of range", at: at) }
                expression = .column(Int(n - 1), schema.fields[Int(n - 1)].type)
            } else {
                expression = try expressionBinder(scope).bind(item.expression)
            }
            return SortKey(expression, ascending: item.isAscending, nullsFirst: item.nullsFirst ?? false)
        }
        plan = try sortAndLimit(plan, keys: keys, limit: limit, offset: offset)
        return BoundQuery(plan: plan, names: input.names, hugeIntColumns: input.hugeIntColumns)
    }

    func sortAndLimit(_ input: LogicalPlan, keys: [SortKey], limit: SQLExpression?, offset: SQLExpression?) throws -> LogicalPlan {
        let limitValue = try limit.map { try constantCount($0, what: "LIMIT") }
        let offsetValue = try offset.map { try constantCount($0, what: "OFFSET") } ?? 0
        if !keys.isEmpty, let limitValue { return .topN(input, keys, limit: limitValue, offset: offsetValue) }
        var plan = input
        if !keys.isEmpty { plan = .sort(plan, keys) }
        if limitValue != nil || offsetValue > 0 { plan = .limit(plan, limit: limitValue, offset: offsetValue) }
        return plan
    }

    private func constantCount(_ e: SQLExpression, what: String) throws -> Int {
        guard case .literal(.integer(let n), _) = e, n >= 0 else {
            throw BindError(.invalid, "\(what) needs a non-negative integer", at: e.location)
        }
        return Int(n)
    }

    func expressionBinder(_ scope: Scope, aggregate: ExpressionBinder.AggregateContext? = nil) -> ExpressionBinder {
        ExpressionBinder(scope: scope, aggregate: aggregate, scalarSubquery: { query in
            let bound = try self.bind(query)
            guard bound.names.count == 1 else {
                throw BindError(.invalid, "a scalar subquery must return one column", at: query.location)
            }
            return try initPlans.add(bound.plan)
        })
    }
}

/// The uncorrelated subqueries of a statement being bound, in the order their values are needed
/// (a subquery inside another is added first).
final class InitPlans {
    private(set) var plans: [LogicalPlan] = []

    /// `plan` (one column) as an init plan; returns the parameter standing for its value.
    func add(_ plan: LogicalPlan) throws -> PhysicalExpression {
        plans.append(plan)
        return .parameter(plans.count - 1, try plan.schema().fields[0].type)
    }
}

extension ScalarValue {
    /// The value at `row` of a column in the kernels' storage.
    init(_ column: Column, row: Int) {
        if column.isNull(row) { self = .null; return }
        switch (column.values, column.type) {
        case (.boolean(let v), _): self = .bool(v[row])
        case (.int32(let v), .date): self = .date(v[row])
        case (.int32(let v), .decimal(let p, let s)): self = .decimal(Int128(v[row]), precision: p, scale: s)
        case (.int32(let v), _): self = .int64(Int64(v[row]))
        case (.int64(let v), .timestamp): self = .timestamp(v[row])
        case (.int64(let v), .decimal(let p, let s)): self = .decimal(Int128(v[row]), precision: p, scale: s)
        case (.int64(let v), _): self = .int64(v[row])
        case (.float64(let v), _): self = .double(v[row])
        case (.float32(let v), _): self = .double(Double(v[row]))
        case (.bytes(let v), _): self = .string(String(decoding: v[row], as: UTF8.self))
        case (.fixed(let w, let d), .decimal(let p, let s)):
            var value: Int128 = (d[row * w] & 0x80) != 0 ? -1 : 0
            for b in d[row * w..<(row + 1) * w] { value = value << 8 | Int128(b) }
            self = .decimal(value, precision: p, scale: s)
        default: self = .null
        }
    }
}
