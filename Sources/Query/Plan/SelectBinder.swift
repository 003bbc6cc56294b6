import Columnar
import QueryKernels
import SQLParser

extension QueryBinder {
    func bindSelect(_ written: SelectStatement, orderBy: [OrderItem], limit: SQLExpression?, offset: SQLExpression?) throws -> BoundQuery {
        let select = try decorrelatingScalarSubqueries(written)
        var plan: LogicalPlan, scope: Scope
        if let from = select.from, let joins = try bindInnerJoins(from, filter: select.filter) {
            (plan, scope) = (joins.plan, joins.scope)
            if let first = joins.remaining.first {
                let rest = joins.remaining.dropFirst().reduce(first) { .binary(.and, $0, $1, at: $0.location) }
                (plan, scope) = try bindWhere(rest, plan: plan, scope: scope)
            }
        } else {
            (plan, scope) = try bindFrom(select.from)
            if let filter = select.filter {
                (plan, scope) = try bindWhere(filter, plan: plan, scope: scope)
            }
        }
        let items = try expandItems(select.items, scope: scope)
        var aggregateCalls: [String: SQLExpression] = [:]
        var order: [String] = []
        for e in items.map(\.expression) + [select.having].compactMap({ $0 }) + orderBy.map(\.expression) {
            AggregateCollector.collect(e, into: &aggregateCalls, order: &order)
        }
        let grouped = !select.groupBy.isEmpty || !aggregateCalls.isEmpty
        var outputScope = scope
        var aggregateContext: ExpressionBinder.AggregateContext?
        if grouped {
            let groupAST = try select.groupBy.map { try resolveGroupItem($0, items: items, scope: scope) }
            let input = expressionBinder(scope)
            let keys = try groupAST.map { try input.bind($0) }
            let keyNames = groupAST.map { Self.name(of: $0) }
            let specs = try order.map { text -> AggregateSpec in try aggregateSpec(aggregateCalls[text]!, input: input) }
            plan = .aggregate(plan, keys: keys, keyNames: keyNames, aggregates: specs)
            let output = try plan.schema()
            var keyMap: [String: Int] = [:], keyColumns: [Int: Int] = [:]
            for (i, ast) in groupAST.enumerated() {
                keyMap[ast.description] = i
                if case .column(let index, _) = keys[i] { keyColumns[index] = i }
            }
            var aggregateMap: [String: Int] = [:]
            for (i, text) in order.enumerated() { aggregateMap[text] = keys.count + i }
            aggregateContext = .init(keys: keyMap, keyColumns: keyColumns, aggregates: aggregateMap, output: output)
            outputScope = scope
            if let having = select.having {
                plan = .filter(plan, try expressionBinder(scope, aggregate: aggregateContext).bind(having))
            }
        } else if let having = select.having {
            throw BindError(.invalid, "HAVING needs GROUP BY or an aggregate", at: having.location)
        }
        let binder = expressionBinder(outputScope, aggregate: aggregateContext)
        var expressions = try items.map { try binder.bind($0.expression) }
        let names = items.map(\.name)
        // ORDER BY: output names and ordinals first, then (without DISTINCT) any expression over
        // the input, carried as hidden columns until after the sort.
        var keys: [SortKey] = []
        for item in orderBy {
            let expression: PhysicalExpression
            if case .literal(.integer(let n), let at) = item.expression {
                guard n >= 1, n <= items.count else { throw BindError(.invalid, "ORDER BY position \(n) is out of range", at: at) }
                expression = try ordinal(Int(n - 1), expressions)
            } else if case .column(let parts, _) = item.expression, parts.count == 1,
                      let index = names.firstIndex(where: { $0.lowercased() == parts[0].normalized }) {
                expression = try ordinal(index, expressions)
            } else if let index = items.firstIndex(where: { $0.expression.description == item.expression.description }) {
                expression = try ordinal(index, expressions)
            } else {
                guard !select.isDistinct else {
                    throw BindError(.invalid, "with SELECT DISTINCT, ORDER BY expressions must appear in the select list", at: item.location)
                }
                expressions.append(try binder.bind(item.expression))
                expression = try ordinal(expressions.count - 1, expressions)
            }
            keys.append(SortKey(expression, ascending: item.isAscending, nullsFirst: item.nullsFirst ?? false))
        }
        let fields = try expressions.enumerated().map { i, e in
            Field(i < names.count ? names[i] : "#hidden\(i)", try binder.type(of: e))
        }
        plan = .project(plan, expressions, Schema(fields))
        if select.isDistinct {
            plan = .aggregate(plan, keys: fields.enumerated().map { .column($0, $1.type) }, keyNames: fields.map(\.name), aggregates: [])
        }
        plan = try sortAndLimit(plan, keys: keys, limit: limit, offset: offset)
        if expressions.count > names.count {
            plan = .project(plan, fields.prefix(names.count).enumerated().map { .column($0, $1.type) },
                            Schema(Array(fields.prefix(names.count))))
        }
        let hugeInts = Set(items.indices.filter { i in
            guard fields[i].type == .decimal(precision: 38, scale: 0) else { return false }
            return SumFinder.containsSum(items[i].expression) || SumFinder.referencesHugeInt(items[i].expression, scope)
        })
        return BoundQuery(plan: plan, names: names, hugeIntColumns: hugeInts)
    }

    private func ordinal(_ index: Int, _ expressions: [PhysicalExpression]) throws -> PhysicalExpression {
        .column(index, try ExpressionEvaluator.resultType(of: expressions[index], schema: Schema([])))
    }

    struct SelectedItem {
        var expression: SQLExpression
        var name: String
    }

    /// `*` and `t.*` become one item per column.
    func expandItems(_ items: [SelectItem], scope: Scope) throws -> [SelectedItem] {
        var out: [SelectedItem] = []
        for item in items {
            switch item {
            case .wildcard(let qualifier, let at):
                let q = qualifier.last?.normalized
                let matching = scope.entries.filter { q == nil || $0.qualifier == q }
                guard !matching.isEmpty else { throw BindError(.unknownTable, "no columns for \(q ?? "*")", at: at) }
                for entry in matching {
                    var parts = [SQLIdentifier(entry.name, isQuoted: true, at: at)]
                    if let qualifier = entry.qualifier { parts.insert(SQLIdentifier(qualifier, isQuoted: true, at: at), at: 0) }
                    out.append(SelectedItem(expression: .column(parts, at: at), name: entry.name))
                }
            case .expression(let e, let alias, _):
                out.append(SelectedItem(expression: e, name: alias?.name ?? Self.name(of: e)))
            }
        }
        return out
    }

    /// Output name of an unaliased expression: the column name, or the expression as text.
    static func name(of e: SQLExpression) -> String {
        if case .column(let parts, _) = e { return parts.last!.name }
        if case .function(let call, _) = e, call.isStar, call.name.normalized == "count" { return "count_star()" }
        return SQLText.render(e)
    }

    /// GROUP BY items: ordinals and select aliases name select items; anything else is an expression.
    func resolveGroupItem(_ e: SQLExpression, items: [SelectedItem], scope: Scope) throws -> SQLExpression {
        if case .literal(.integer(let n), let at) = e {
            guard n >= 1, n <= items.count else { throw BindError(.invalid, "GROUP BY position \(n) is out of range", at: at) }
            return items[Int(n - 1)].expression
        }
        if case .column(let parts, _) = e, parts.count == 1, try scope.resolve(parts) == nil,
           let item = items.first(where: { $0.name.lowercased() == parts[0].normalized }) {
            return item.expression
        }
        return e
    }

    func aggregateSpec(_ call: SQLExpression, input: ExpressionBinder) throws -> AggregateSpec {
        guard case .function(let f, let at) = call else { throw BindError(.invalid, "not an aggregate", at: call.location) }
        let name = call.description
        let fn = f.name.normalized
        if fn == "count" && (f.isStar || f.arguments.isEmpty) { return AggregateSpec(.countStar, name: name) }
        guard f.arguments.count == 1 else { throw BindError(.invalid, "\(fn) takes one argument", at: at) }
        let argument = try input.bind(f.arguments[0])
        let function: AggregateFunction = switch fn {
        case "count": .count
        case "sum": .sum
        case "avg", "mean": .avg
        case "min": .min
        case "max": .max
        case "stddev_samp", "stddev": .stddevSamp
        default: .varSamp
        }
        if f.isDistinct && function != .count {
            throw BindError(.unsupported, "DISTINCT is supported in count only", at: at)
        }
        return AggregateSpec(function, argument, distinct: f.isDistinct, name: name)
    }
}

/// Where a DECIMAL(38,0) result comes from an integer sum (DuckDB's HUGEINT): a sum() call, or
/// a column of a subquery/CTE that was one.
enum SumFinder {
    static func containsSum(_ e: SQLExpression) -> Bool {
        if case .function(let call, _) = e, call.name.normalized == "sum" { return true }
        return e.children.contains(where: containsSum)
    }

    static func referencesHugeInt(_ e: SQLExpression, _ scope: Scope) -> Bool {
        if case .column(let parts, _) = e, let index = try? scope.resolve(parts) { return scope.entries[index].isHugeInt }
        return e.children.contains { referencesHugeInt($0, scope) }
    }
}

/// Finds aggregate calls (outside subqueries), keyed by their S-expression text, in order.
enum AggregateCollector {
    static func collect(_ e: SQLExpression, into calls: inout [String: SQLExpression], order: inout [String]) {
        if case .function(let call, _) = e, ExpressionBinder.aggregateNames.contains(call.name.normalized) {
            let key = e.description
            if calls[key] == nil { calls[key] = e; order.append(key) }
            return
        }
        for child in e.children { collect(child, into: &calls, order: &order) }
    }
}

extension SQLExpression {
    /// Direct sub-expressions (not those inside subqueries).
    var children: [SQLExpression] {
        switch self {
        case .column, .literal, .exists, .subquery: return []
        case .unary(_, let a, _), .isNull(let a, _, _), .isBoolean(let a, _, _, _), .cast(let a, _, _), .inSubquery(let a, _, _, _):
            return [a]
        case .binary(_, let a, let b, _): return [a, b]
        case .between(let a, let l, let h, _, _): return [a, l, h]
        case .inList(let a, let list, _, _): return [a] + list
        case .like(let a, let p, let e, _, _, _): return [a, p] + (e.map { [$0] } ?? [])
        case .caseWhen(let operand, let branches, let otherwise, _):
            return (operand.map { [$0] } ?? []) + branches.flatMap { [$0.condition, $0.result] } + (otherwise.map { [$0] } ?? [])
        case .function(let call, _): return call.arguments
        }
    }
}
