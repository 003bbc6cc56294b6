import Columnar
import QueryKernels
import SQLParser

extension QueryBinder {
    /// FROM: tables, CTEs, subqueries and joins, with the scope their columns are visible in.
    func bindFrom(_ from: TableReference?) throws -> (LogicalPlan, Scope) {
        guard let from else {
            return (.values(RecordBatch(schema: Schema([]), columns: [], rowCount: 1)), Scope())
        }
        switch from {
        case .table(let name, let alias, let at):
            let key = name.last!.normalized
            let qualifier = alias?.name.name ?? name.last!.name
            if name.count == 1, let cte = ctes[key] {
                return (cte.plan, try renamed(cte.plan, names: Self.aliasNames(alias) ?? cte.names, qualifier: qualifier,
                                              hugeInts: cte.hugeIntColumns, at: at))
            }
            guard let source = catalog.table(key) else {
                throw BindError(.unknownTable, "unknown table '\(name.map(\.name).joined(separator: "."))'", at: at)
            }
            let plan = LogicalPlan.scan(table: key, source: source, columns: Array(source.schema.fields.indices),
                                        filter: nil, pruning: [])
            let names = Self.aliasNames(alias) ?? source.schema.fields.map(\.name)
            return (plan, try renamed(plan, names: names, qualifier: qualifier, at: at))
        case .subquery(let query, let alias, let at):
            let bound = try bind(query)
            return (bound.plan, try renamed(bound.plan, names: Self.aliasNames(alias) ?? bound.names,
                                             qualifier: alias?.name.name, hugeInts: bound.hugeIntColumns, at: at))
        case .join(let clause):
            return try bindJoin(clause)
        }
    }

    /// Column names an alias gives (`AS t(a, b)`), nil when it names none.
    static func aliasNames(_ alias: TableAlias?) -> [String]? {
        guard let columns = alias?.columns, !columns.isEmpty else { return nil }
        return columns.map(\.name)
    }

    private func renamed(_ plan: LogicalPlan, names: [String], qualifier: String?, hugeInts: Set<Int> = [],
                         at: SourceLocation) throws -> Scope {
        let schema = try plan.schema()
        guard names.count == schema.fields.count else {
            throw BindError(.invalid, "\(names.count) column aliases for \(schema.fields.count) columns", at: at)
        }
        return Scope(zip(names, schema.fields).enumerated().map { i, pair in
            Scope.Entry(qualifier: qualifier?.lowercased(), name: pair.0, type: pair.1.type, isHugeInt: hugeInts.contains(i))
        })
    }

    private func bindJoin(_ clause: JoinClause) throws -> (LogicalPlan, Scope) {
        let (left, leftScope) = try bindFrom(clause.left)
        let (right, rightScope) = try bindFrom(clause.right)
        let kind: QueryKernels.JoinKind
        switch clause.kind {
        case .inner, .cross: kind = .inner
        case .left: kind = .leftOuter
        case .leftSemi: kind = .leftSemi
        case .leftAnti: kind = .leftAnti
        case .right: kind = .rightOuter
        case .full: kind = .fullOuter
        }
        var leftKeys: [PhysicalExpression] = [], rightKeys: [PhysicalExpression] = []
        var residual: [SQLExpression] = []
        switch clause.condition {
        case .none:
            break
        case .using(let columns):
            for column in columns {
                guard let l = try leftScope.resolve([column]), let r = try rightScope.resolve([column]) else {
                    throw BindError(.unknownColumn, "USING column '\(column.name)' is not on both sides", at: column.location)
                }
                leftKeys.append(.column(l, leftScope.entries[l].type))
                rightKeys.append(.column(r, rightScope.entries[r].type))
            }
        case .on(let condition):
            for conjunct in Conjuncts.split(condition) {
                if let (l, r) = try equiKeys(conjunct, leftScope, rightScope) {
                    leftKeys.append(l); rightKeys.append(r)
                } else {
                    residual.append(conjunct)
                }
            }
        }
        var build = right
        // Conditions on the build side alone filter it first, unless the join keeps its rows
        // (right, full): there they decide matches, like the conditions over both sides.
        var leftResidual: [SQLExpression] = []
        for conjunct in residual {
            if !kind.tracksBuildRows, let bound = try? expressionBinder(rightScope).bind(conjunct) {
                build = .filter(build, bound)
            } else {
                leftResidual.append(conjunct)
            }
        }
        if leftKeys.isEmpty {
            // No equality: every row matches every row (a constant key).
            leftKeys = [.literal(.int64(1))]; rightKeys = [.literal(.int64(1))]
        }
        rightKeys = try zip(leftKeys, rightKeys).map { l, r in
            let lt = try ExpressionEvaluator.resultType(of: l, schema: Schema([]))
            let rt = try ExpressionEvaluator.resultType(of: r, schema: Schema([]))
            return lt == rt ? r : .cast(r, lt)
        }
        let scope = kind.outputsLeftOnly ? leftScope : leftScope + rightScope
        // Other conditions: a filter above an inner join; inside the join (over the left row's
        // columns then the right row's) for the kinds whose unmatched rows they decide.
        let conditions = try leftResidual.map { try expressionBinder(leftScope + rightScope).bind($0) }
        let condition = conditions.first.map { first in conditions.dropFirst().reduce(first) { PhysicalExpression.and($0, $1) } }
        if kind == .inner {
            let plan = LogicalPlan.join(left, build, kind, leftKeys: leftKeys, rightKeys: rightKeys)
            return (condition.map { .filter(plan, $0) } ?? plan, scope)
        }
        if kind.outputsLeftOnly {
            return (try SemiJoin.plan(left, build, anti: kind == .leftAnti, outerKeys: leftKeys, innerKeys: rightKeys, residual: condition), scope)
        }
        return (.join(left, build, kind, leftKeys: leftKeys, rightKeys: rightKeys, residual: condition), scope)
    }

    /// `a = b` with `a` over the left side only and `b` over the right only (or swapped).
    private func equiKeys(_ e: SQLExpression, _ leftScope: Scope, _ rightScope: Scope) throws -> (PhysicalExpression, PhysicalExpression)? {
        guard case .binary(.equal, let a, let b, _) = e else { return nil }
        let l = expressionBinder(leftScope), r = expressionBinder(rightScope)
        if let la = try? l.bind(a), let rb = try? r.bind(b) { return (la, rb) }
        if let lb = try? l.bind(b), let ra = try? r.bind(a) { return (lb, ra) }
        return nil
    }

    /// WHERE: IN (SELECT …) and EXISTS conditions become semi/anti joins or constants; the
    /// rest is a filter.
    func bindWhere(_ condition: SQLExpression, plan input: LogicalPlan, scope: Scope) throws -> (LogicalPlan, Scope) {
        var plan = input
        var rest: [PhysicalExpression] = []
        // Conditions without subqueries filter the input first: the joins the subqueries become
        // then see (and size their sides by) the rows that can pass.
        let conjuncts = Conjuncts.split(condition)
        let plain = try conjuncts.filter { !$0.containsSubquery && !Self.isNullLiteral($0) }.map { try expressionBinder(scope).bind($0) }
        if let first = plain.first { plan = .filter(plan, plain.dropFirst().reduce(first) { .and($0, $1) }) }
        for conjunct in conjuncts where conjunct.containsSubquery || Self.isNullLiteral(conjunct) {
            switch conjunct {
            case .inSubquery(let operand, let query, let negated, let at):
                let sub = try bind(query)
                guard sub.names.count == 1 else { throw BindError(.invalid, "the IN subquery must return one column", at: at) }
                let key = try expressionBinder(scope).bind(operand)
                let keyType = try ExpressionEvaluator.resultType(of: key, schema: Schema([]))
                let subType = try sub.plan.schema().fields[0].type
                let buildKey: PhysicalExpression = subType == keyType ? .column(0, subType) : .cast(.column(0, subType), keyType)
                if !negated {
                    plan = try SemiJoin.plan(plan, sub.plan, anti: false, outerKeys: [key], innerKeys: [buildKey])
                } else {
                    // NOT IN (empty) is true for every row, NULL operands included; otherwise it
                    // is never true for a NULL operand, nor when the subquery yields a NULL.
                    let shape = try initPlans.add(NotInShape.plan(sub.plan))
                    plan = try SemiJoin.plan(plan, sub.plan, anti: true, outerKeys: [key], innerKeys: [buildKey])
                    rest.append(NotInShape.condition(shape, operand: key))
                }
            case .exists(let query, _), .unary(.not, .exists(let query, _), _):
                let negated = if case .unary = conjunct { true } else { false }
                if let joined = try correlatedExists(query, negated: negated, plan: plan, scope: scope) {
                    plan = joined
                } else {
                    let sub = try bind(query)
                    let count = AggregateSpec(.countStar, name: "count")
                    let rows = try initPlans.add(.aggregate(.limit(sub.plan, limit: 1, offset: 0), keys: [], keyNames: [], aggregates: [count]))
                    rest.append(.compare(negated ? .equal : .greater, rows, .literal(.int64(0))))
                }
            case .literal(.null, _):
                rest.append(.literal(.bool(false)))  // WHERE NULL keeps no row
            default:
                rest.append(try expressionBinder(scope).bind(conjunct))
            }
        }
        if let first = rest.first {
            plan = .filter(plan, rest.dropFirst().reduce(first) { .and($0, $1) })
        }
        return (plan, scope)
    }

    private static func isNullLiteral(_ e: SQLExpression) -> Bool {
        if case .literal(.null, _) = e { return true }
        return false
    }

    /// `EXISTS (SELECT … FROM t WHERE t.k = outer.k AND …)`: a semi (anti) join on the
    /// correlated equalities. nil when the subquery does not refer to the outer query.
    private func correlatedExists(_ query: SQLQuery, negated: Bool, plan: LogicalPlan, scope: Scope) throws -> LogicalPlan? {
        guard case .select(let select) = query.body, query.with.isEmpty, select.groupBy.isEmpty, select.having == nil,
              let filter = select.filter else { return nil }
        let (inner, innerScope) = try bindFrom(select.from)
        var outerKeys: [PhysicalExpression] = [], innerKeys: [PhysicalExpression] = []
        var local: [PhysicalExpression] = []
        var residual: [SQLExpression] = []
        for conjunct in Conjuncts.split(filter) {
            let innerError: any Error
            do {
                local.append(try expressionBinder(innerScope).bind(conjunct))
                continue
            } catch {
                innerError = error
            }
            if let (i, o) = try equiKeys(conjunct, innerScope, scope) {
                innerKeys.append(i); outerKeys.append(o)
            } else if (try? correlatedCondition(conjunct, outer: scope, inner: innerScope)) != nil {
                residual.append(conjunct)
            } else {
                throw innerError  // not a correlation: an error of the subquery itself
            }
        }
        guard !outerKeys.isEmpty else {
            if let first = residual.first {
                throw BindError(.unsupported, "a correlated EXISTS needs an equality between its columns and the outer query's", at: first.location)
            }
            return nil
        }
        // Other correlated conditions decide among the key matches, over the outer row's columns
        // followed by the subquery's.
        var bound: PhysicalExpression?
        for conjunct in residual {
            let condition: PhysicalExpression
            do {
                condition = try correlatedCondition(conjunct, outer: scope, inner: innerScope)
            } catch {
                throw BindError(.unsupported, "this correlated condition is not supported in EXISTS", at: conjunct.location)
            }
            bound = bound.map { .and($0, condition) } ?? condition
        }
        var build = inner
        if let first = local.first { build = .filter(build, local.dropFirst().reduce(first) { .and($0, $1) }) }
        innerKeys = try zip(outerKeys, innerKeys).map { o, i in
            let ot = try ExpressionEvaluator.resultType(of: o, schema: Schema([]))
            let it = try ExpressionEvaluator.resultType(of: i, schema: Schema([]))
            return ot == it ? i : .cast(i, ot)
        }
        return try SemiJoin.plan(plan, build, anti: negated, outerKeys: outerKeys, innerKeys: innerKeys, residual: bound)
    }

    /// A condition of a correlated subquery over the outer row followed by the subquery's row.
    /// A name both queries have must be qualified (it is reported as ambiguous otherwise).
    private func correlatedCondition(_ e: SQLExpression, outer: Scope, inner: Scope) throws -> PhysicalExpression {
        // Bound over inner then outer columns, then moved to the pair's layout: outer first.
        let bound = try expressionBinder(inner + outer).bind(e)
        var map: [Int: Int] = [:]
        for i in inner.entries.indices { map[i] = outer.entries.count + i }
        for o in outer.entries.indices { map[inner.entries.count + o] = o }
        return bound.remapped(map)
    }
}

enum Conjuncts {
    static func split(_ e: SQLExpression) -> [SQLExpression] {
        if case .binary(.and, let a, let b, _) = e { return split(a) + split(b) }
        return [e]
    }

    /// The branches of an OR (nested ORs flattened); `[e]` for anything else.
    static func disjuncts(_ e: SQLExpression) -> [SQLExpression] {
        if case .binary(.or, let a, let b, _) = e { return disjuncts(a) + disjuncts(b) }
        return [e]
    }

    /// `(c AND a) OR (c AND b)` as `[c, a OR b]`: conjuncts every branch of an OR shares, then
    /// the OR of what is left (dropped when a branch is left with nothing: it is then always true
    /// where `c` holds). Anything else unchanged.
    static func factoringCommonOfOr(_ e: SQLExpression) -> [SQLExpression] {
        let branches = disjuncts(e).map(split)
        guard branches.count > 1 else { return [e] }
        let common = branches[0].filter { candidate in
            branches.dropFirst().allSatisfy { branch in branch.contains { $0.description == candidate.description } }
        }
        guard !common.isEmpty else { return [e] }
        let commonText = Set(common.map(\.description))
        let rests = branches.map { branch in branch.filter { !commonText.contains($0.description) } }
        if rests.contains(where: \.isEmpty) { return common }
        let ors = rests.map { rest in rest.dropFirst().reduce(rest[0]) { SQLExpression.binary(.and, $0, $1, at: $0.location) } }
        return common + [ors.dropFirst().reduce(ors[0]) { .binary(.or, $0, $1, at: $0.location) }]
    }
}
