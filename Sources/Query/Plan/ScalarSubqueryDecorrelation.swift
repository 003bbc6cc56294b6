import SQLParser

/// Correlated scalar subqueries compared in WHERE, rewritten into joins before binding:
///
///     WHERE l_quantity < (SELECT 0.2 * avg(l_quantity) FROM lineitem WHERE l_partkey = p_partkey)
///
/// becomes a derived table grouped by the correlated columns, joined on them:
///
///     FROM …, (SELECT l_partkey AS __k0, 0.2 * avg(l_quantity) AS __v FROM lineitem GROUP BY l_partkey) __sq1
///     WHERE l_quantity < __sq1.__v AND __sq1.__k0 = p_partkey
///
/// The subquery then runs once, not once per outer row, and its join key meets the outer one in
/// the join binder. Equivalent because an outer row without a group would compare with NULL
/// (no row from an aggregate other than count over no rows), which no comparison passes.
/// Handled: `outer op (subquery)` with op a comparison, the subquery possibly inside arithmetic; the subquery a single SELECT of one
/// aggregate expression (not count) whose WHERE is conditions on its own FROM and equalities
/// between its columns and the outer query's. Anything else is left as it was.
extension QueryBinder {
    func decorrelatingScalarSubqueries(_ select: SelectStatement) throws -> SelectStatement {
        guard let from = select.from, let filter = select.filter else { return select }
        var conjuncts = Conjuncts.split(filter)
        guard conjuncts.contains(where: { Self.comparedSubquery($0) != nil }) else { return select }
        let (_, outerScope) = try bindFrom(from)
        var rewritten = select
        var added = 0
        for (index, conjunct) in conjuncts.enumerated() {
            guard let (subquery, rebuild) = Self.comparedSubquery(conjunct),
                  let decorrelated = try decorrelated(subquery, outerScope: outerScope, name: "__sq\(added + 1)")
            else { continue }
            added += 1
            conjuncts[index] = rebuild(decorrelated.value)
            conjuncts += decorrelated.keyEqualities
            rewritten.from = .join(JoinClause(kind: .cross, left: rewritten.from!, right: decorrelated.table,
                                              condition: .none, location: subquery.location))
        }
        guard added > 0 else { return select }
        rewritten.filter = conjuncts.dropFirst().reduce(conjuncts[0]) { .binary(.and, $0, $1, at: $0.location) }
        return rewritten
    }

    private struct Decorrelated {
        var table: TableReference
        var value: SQLExpression
        var keyEqualities: [SQLExpression]
    }

    /// `a op f((subquery))` or `f((subquery)) op a`, where `f` is arithmetic, negation and casts
    /// (NULL in, NULL out, so an outer row without a group still compares with NULL): the
    /// subquery and how to put the conjunct back together around its replacement.
    private static func comparedSubquery(_ e: SQLExpression) -> (SQLQuery, (SQLExpression) -> SQLExpression)? {
        guard case .binary(let op, let a, let b, let at) = e,
              [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(op) else { return nil }
        if !a.containsSubquery, let (query, rebuild) = nullPropagatingSubquery(b) { return (query, { .binary(op, a, rebuild($0), at: at) }) }
        if !b.containsSubquery, let (query, rebuild) = nullPropagatingSubquery(a) { return (query, { .binary(op, rebuild($0), b, at: at) }) }
        return nil
    }

    private static func nullPropagatingSubquery(_ e: SQLExpression) -> (SQLQuery, (SQLExpression) -> SQLExpression)? {
        switch e {
        case .subquery(let query, _):
            return (query, { $0 })
        case .binary(let op, let a, let b, let at) where [.add, .subtract, .multiply, .divide, .modulo].contains(op):
            if !a.containsSubquery, let (query, rebuild) = nullPropagatingSubquery(b) { return (query, { .binary(op, a, rebuild($0), at: at) }) }
            if !b.containsSubquery, let (query, rebuild) = nullPropagatingSubquery(a) { return (query, { .binary(op, rebuild($0), b, at: at) }) }
            return nil
        case .unary(let op, let a, let at) where op == .negate || op == .plus:
            return nullPropagatingSubquery(a).map { query, rebuild in (query, { .unary(op, rebuild($0), at: at) }) }
        case .cast(let a, let type, let at):
            return nullPropagatingSubquery(a).map { query, rebuild in (query, { .cast(rebuild($0), type, at: at) }) }
        default:
            return nil
        }
    }

    private func decorrelated(_ query: SQLQuery, outerScope: Scope, name: String) throws -> Decorrelated? {
        guard query.with.isEmpty, query.orderBy.isEmpty, query.limit == nil, query.offset == nil,
              case .select(let inner) = query.body, !inner.isDistinct, inner.groupBy.isEmpty, inner.having == nil,
              inner.items.count == 1, case .expression(let value, _, let at) = inner.items[0],
              Self.isAggregateOnly(value), let innerFrom = inner.from, let filter = inner.filter
        else { return nil }
        let (_, innerScope) = try bindFrom(innerFrom)
        let innerBinder = expressionBinder(innerScope), outerBinder = expressionBinder(outerScope)
        func isInner(_ e: SQLExpression) -> Bool { (try? innerBinder.bind(e)) != nil }
        func outerOnly(_ e: SQLExpression) -> Bool { !isInner(e) && (try? outerBinder.bind(e)) != nil }
        var local: [SQLExpression] = []
        var keys: [(inner: SQLExpression, outer: SQLExpression)] = []
        for conjunct in Conjuncts.split(filter) {
            if conjunct.containsSubquery { return nil }
            if isInner(conjunct) {
                local.append(conjunct)
            } else if case .binary(.equal, let a, let b, _) = conjunct, isInner(a), outerOnly(b) {
                keys.append((a, b))
            } else if case .binary(.equal, let a, let b, _) = conjunct, isInner(b), outerOnly(a) {
                keys.append((b, a))
            } else {
                return nil
            }
        }
        guard !keys.isEmpty else { return nil }
        let alias = SQLIdentifier(name, at: at)
        func column(_ name: String) -> SQLExpression { .column([alias, SQLIdentifier(name, at: at)], at: at) }
        let items = keys.enumerated().map { i, key in SelectItem.expression(key.inner, alias: SQLIdentifier("__k\(i)", at: at), at: at) }
            + [.expression(value, alias: SQLIdentifier("__v", at: at), at: at)]
        let grouped = SelectStatement(
            items: items, from: innerFrom,
            filter: local.first.map { first in local.dropFirst().reduce(first) { .binary(.and, $0, $1, at: $0.location) } },
            groupBy: keys.map(\.inner), location: inner.location)
        return Decorrelated(
            table: .subquery(SQLQuery(body: .select(grouped), at: query.location), alias: TableAlias(name: alias), at: at),
            value: column("__v"),
            keyEqualities: keys.enumerated().map { i, key in .binary(.equal, column("__k\(i)"), key.outer, at: at) })
    }

    /// An expression of aggregates other than count (whose empty group is 0, not NULL), with no
    /// column outside an aggregate.
    private static func isAggregateOnly(_ e: SQLExpression) -> Bool {
        var sawAggregate = false
        func walk(_ e: SQLExpression) -> Bool {
            switch e {
            case .function(let call, _) where ExpressionBinder.aggregateNames.contains(call.name.normalized):
                guard call.name.normalized != "count" else { return false }
                sawAggregate = true
                return !call.arguments.contains { $0.containsSubquery }
            case .column, .subquery, .inSubquery, .exists:
                return false
            default:
                return e.children.allSatisfy(walk)
            }
        }
        return walk(e) && sawAggregate
    }
}
