import Columnar
import QueryKernels
import SQLParser

/// FROM lists of inner joins — comma lists and `JOIN … ON` — bound together with the WHERE
/// conditions, so that join conditions written in WHERE become hash-join keys instead of a
/// filter over a cross product:
///
/// 1. every relation of the list is bound on its own (tables, CTEs, subqueries, outer joins);
/// 2. each conjunct of ON and WHERE goes where it can first be evaluated: over one relation, a
///    filter on that relation (then pushed into its scan); `a = b` between two relations, a join
///    key; anything else over several relations, a filter right after the join that brings its
///    relations together; `x IN (SELECT …)` with x over one relation, a semi join on it; other
///    conditions with subqueries stay for WHERE's own binding;
/// 3. the joins are ordered greedily: the connected pair of groups whose join is estimated
///    smallest first (bushy plans allowed), the smaller side always the build side;
/// 4. the columns are put back in FROM order, so `SELECT *` and positions are unchanged.
extension QueryBinder {
    struct InnerJoins {
        var plan: LogicalPlan
        var scope: Scope
        /// WHERE conjuncts left for `bindWhere` (subqueries, constants).
        var remaining: [SQLExpression]
    }

    /// nil when `from` is not a join of two or more relations by inner or cross joins.
    func bindInnerJoins(_ from: TableReference, filter: SQLExpression?) throws -> InnerJoins? {
        var leaves: [TableReference] = []
        var conditions: [SQLExpression] = []
        guard Self.flattenInnerJoins(from, leaves: &leaves, conditions: &conditions), leaves.count > 1 else { return nil }
        conditions += filter.map(Conjuncts.split) ?? []
        // `(k = k' AND a) OR (k = k' AND b)` is `k = k' AND (a OR b)`: the join key comes out of the OR.
        conditions = conditions.flatMap(Conjuncts.factoringCommonOfOr)

        var relations = try leaves.map { leaf -> JoinRelation in
            let (plan, scope) = try bindFrom(leaf)
            return JoinRelation(plan: plan, scope: scope)
        }
        let fullScope = relations.reduce(Scope()) { $0 + $1.scope }
        var edges: [JoinEdge] = []
        var pending: [SQLExpression] = []
        var remaining: [SQLExpression] = []
        var local: [[PhysicalExpression]] = Array(repeating: [], count: relations.count)
        var semiJoins: [(Int, SQLExpression)] = []
        for conjunct in conditions {
            if conjunct.containsSubquery {
                // `x IN (SELECT …)` with x over one relation: a semi join on that relation before
                // the joins are ordered (TPC-H Q18 keeps 57 orders before meeting lineitem).
                if case .inSubquery(let operand, _, false, _) = conjunct, !operand.containsSubquery,
                   case let owners = owners(of: operand, relations), owners.count == 1 {
                    semiJoins.append((owners[0], conjunct))
                } else {
                    remaining.append(conjunct)
                }
                continue
            }
            // Errors (an unknown or ambiguous column) are the full scope's, as without reordering.
            _ = try expressionBinder(fullScope).bind(conjunct)
            let owners = owners(of: conjunct, relations)
            if owners.count == 1 {
                local[owners[0]].append(try expressionBinder(relations[owners[0]].scope).bind(conjunct))
            } else if owners.count == relations.count {
                remaining.append(conjunct)  // over no column: a constant condition
            } else if let edge = edge(conjunct, relations) {
                edges.append(edge)
            } else {
                pending.append(conjunct)
                // An OR whose every branch restricts a relation on its own implies the OR of those
                // restrictions there: filter the relation early too (the whole OR still applies).
                for (relation, implied) in impliedRestrictions(conjunct, relations) {
                    local[relation].append(try expressionBinder(relations[relation].scope).bind(implied))
                }
            }
        }
        for (i, conjuncts) in local.enumerated() where !conjuncts.isEmpty {
            relations[i].plan = .filter(relations[i].plan, conjuncts.dropFirst().reduce(conjuncts[0]) { .and($0, $1) })
        }
        for (i, conjunct) in semiJoins {
            relations[i].plan = try bindWhere(conjunct, plan: relations[i].plan, scope: relations[i].scope).0
        }

        var joined = try joinInOrder(relations, edges: edges, pending: &pending)
        remaining += pending
        // Back to FROM order.
        var offsets: [Int] = Array(repeating: 0, count: relations.count)
        var position = 0
        for relation in joined.order {
            offsets[relation] = position
            position += relations[relation].scope.entries.count
        }
        if joined.order != Array(relations.indices) {
            let schema = try joined.plan.schema()
            var columns: [PhysicalExpression] = []
            var fields: [Field] = []
            for (i, relation) in relations.enumerated() {
                for c in relation.scope.entries.indices {
                    let field = schema.fields[offsets[i] + c]
                    columns.append(.column(offsets[i] + c, field.type))
                    fields.append(field)
                }
            }
            joined.plan = .project(joined.plan, columns, Schema(fields))
        }
        return InnerJoins(plan: joined.plan, scope: fullScope, remaining: remaining)
    }

    /// Leaves and ON conditions of a tree of inner and cross joins; false when the root is not one.
    private static func flattenInnerJoins(_ reference: TableReference, leaves: inout [TableReference],
                                          conditions: inout [SQLExpression]) -> Bool {
        guard case .join(let clause) = reference, clause.kind == .inner || clause.kind == .cross else {
            leaves.append(reference)
            return false
        }
        switch clause.condition {
        case .none: break
        case .on(let condition): conditions += Conjuncts.split(condition)
        case .using:
            leaves.append(reference)  // USING merges columns: bound as written
            return false
        }
        _ = flattenInnerJoins(clause.left, leaves: &leaves, conditions: &conditions)
        _ = flattenInnerJoins(clause.right, leaves: &leaves, conditions: &conditions)
        return true
    }

    /// The relations whose own columns are enough to evaluate `e`.
    private func owners(of e: SQLExpression, _ relations: [JoinRelation]) -> [Int] {
        relations.indices.filter { (try? expressionBinder(relations[$0].scope).bind(e)) != nil }
    }

    /// For `(a1 AND b1) OR (a2 AND b2) …`: per relation whose own conjuncts appear in every
    /// branch, `(a1 OR a2 …)` with each `ai` the AND of that branch's conjuncts over the relation.
    private func impliedRestrictions(_ e: SQLExpression, _ relations: [JoinRelation]) -> [(Int, SQLExpression)] {
        let branches = Conjuncts.disjuncts(e)
        guard branches.count > 1 else { return [] }
        var result: [(Int, SQLExpression)] = []
        for relation in relations.indices {
            var restrictions: [SQLExpression] = []
            for branch in branches {
                let own = Conjuncts.split(branch).filter { conjunct in
                    !conjunct.containsSubquery && owners(of: conjunct, relations) == [relation]
                }
                guard let first = own.first else { break }
                restrictions.append(own.dropFirst().reduce(first) { .binary(.and, $0, $1, at: $0.location) })
            }
            guard restrictions.count == branches.count else { continue }
            result.append((relation, restrictions.dropFirst().reduce(restrictions[0]) { .binary(.or, $0, $1, at: $0.location) }))
        }
        return result
    }

    /// `a = b` with `a` over one relation only and `b` over another only.
    private func edge(_ e: SQLExpression, _ relations: [JoinRelation]) -> JoinEdge? {
        guard case .binary(.equal, let a, let b, _) = e else { return nil }
        let ownersA = owners(of: a, relations), ownersB = owners(of: b, relations)
        guard ownersA.count == 1, ownersB.count == 1, ownersA[0] != ownersB[0] else { return nil }
        return JoinEdge(left: ownersA[0], leftExpression: a, right: ownersB[0], rightExpression: b)
    }

    private struct Joined {
        var plan: LogicalPlan
        var scope: Scope
        /// The relations in the order their columns stand in `plan`.
        var order: [Int]
        var rows: Double
        /// Rows of its largest relation before any filter: `rows / unfiltered` is how much of
        /// that relation's keys survive, what a foreign-key join against it keeps.
        var unfiltered: Double
    }

    /// Greedy operator ordering: start from every relation on its own and repeatedly join the
    /// two connected groups whose join is estimated smallest (a cross join only when none is
    /// connected), the smaller group as the build side. Bushy plans come out where they pay:
    /// `supplier ⋈ nation('GERMANY')` is joined (and shrunk) before `partsupp` probes it, instead
    /// of `partsupp ⋈ supplier` first as a left-deep order from the largest relation would.
    private func joinInOrder(_ relations: [JoinRelation], edges: [JoinEdge], pending: inout [SQLExpression]) throws -> Joined {
        var groups = relations.indices.map { i in
            Joined(plan: relations[i].plan, scope: relations[i].scope, order: [i],
                   rows: Cardinality.estimate(relations[i].plan), unfiltered: Cardinality.unfilteredRows(relations[i].plan))
        }
        // Per equality, the larger value span of its two sides (each a plain column of one
        // relation, by that relation's statistics): read once, not per pair of groups tried.
        let edgeSpans: [Double?] = edges.map { edge in
            [(edge.left, edge.leftExpression), (edge.right, edge.rightExpression)].compactMap { relation, e -> Double? in
                guard let bound = try? expressionBinder(relations[relation].scope).bind(e) else { return nil }
                return Cardinality.valueSpan(bound, in: relations[relation].plan)
            }.max()
        }
        func connected(_ a: Joined, _ b: Joined) -> Bool {
            edges.contains { (a.order.contains($0.left) && b.order.contains($0.right)) || (a.order.contains($0.right) && b.order.contains($0.left)) }
        }
        func outputRows(_ a: Joined, _ b: Joined) -> Double {
            let (large, small) = a.rows >= b.rows ? (a, b) : (b, a)
            // A key spanning far fewer values than either side has rows joins many to many:
            // every row meets rows/span partners (customer ⋈ supplier on their nation keys).
            if let span = keySpan(a, b), span * 10 < min(a.unfiltered, b.unfiltered) {
                return a.rows * b.rows / max(1, span)
            }
            return Cardinality.joined(large.rows, small.rows, smallerFraction: small.rows / max(1, small.unfiltered))
        }
        /// The largest value span of the equalities joining `a` and `b`, nil when one is unknown
        /// (then not known to be small).
        func keySpan(_ a: Joined, _ b: Joined) -> Double? {
            var best: Double?
            for (edge, span) in zip(edges, edgeSpans) {
                guard (a.order.contains(edge.left) && b.order.contains(edge.right)) || (a.order.contains(edge.right) && b.order.contains(edge.left)) else { continue }
                guard let span else { return nil }
                best = max(best ?? 0, span)
            }
            return best
        }
        while groups.count > 1 {
            var best: (Int, Int, Double)?
            for i in groups.indices {
                for j in groups.indices where j > i && connected(groups[i], groups[j]) {
                    let rows = outputRows(groups[i], groups[j])
                    if best == nil || rows < best!.2 { best = (i, j, rows) }
                }
            }
            if best == nil {
                // Nothing connected: a cross join of the two smallest groups.
                let bySize = groups.indices.sorted { groups[$0].rows < groups[$1].rows }
                best = (min(bySize[0], bySize[1]), max(bySize[0], bySize[1]), groups[bySize[0]].rows * groups[bySize[1]].rows)
            }
            let (i, j, rows) = best!
            var joined = try join(groups[i], groups[j], relations: relations, edges: edges)
            joined.rows = rows
            // Conditions over several relations, as soon as all of them are joined.
            var waiting: [SQLExpression] = []
            for conjunct in pending {
                if let bound = try? expressionBinder(joined.scope).bind(conjunct) {
                    joined.plan = .filter(joined.plan, bound)
                } else {
                    waiting.append(conjunct)
                }
            }
            pending = waiting
            groups.remove(at: j)
            groups[i] = joined
        }
        return groups[0]
    }

    /// `a ⋈ b` on the edges between them, the larger group probing the smaller's table.
    private func join(_ a: Joined, _ b: Joined, relations: [JoinRelation], edges: [JoinEdge]) throws -> Joined {
        let (probe, build) = a.rows >= b.rows ? (a, b) : (b, a)
        var probeKeys: [PhysicalExpression] = [], buildKeys: [PhysicalExpression] = []
        for edge in edges {
            let (probeSide, buildSide): (SQLExpression, SQLExpression)
            if probe.order.contains(edge.left) && build.order.contains(edge.right) {
                (probeSide, buildSide) = (edge.leftExpression, edge.rightExpression)
            } else if probe.order.contains(edge.right) && build.order.contains(edge.left) {
                (probeSide, buildSide) = (edge.rightExpression, edge.leftExpression)
            } else {
                continue
            }
            probeKeys.append(try expressionBinder(probe.scope).bind(probeSide))
            buildKeys.append(try expressionBinder(build.scope).bind(buildSide))
        }
        if probeKeys.isEmpty {
            // No equality: every row matches every row (a constant key).
            probeKeys = [.literal(.int64(1))]
            buildKeys = [.literal(.int64(1))]
        }
        return Joined(plan: .join(probe.plan, build.plan, .inner, leftKeys: probeKeys, rightKeys: try Self.coerced(buildKeys, to: probeKeys)),
                      scope: probe.scope + build.scope, order: probe.order + build.order, rows: 0,
                      unfiltered: max(probe.unfiltered, build.unfiltered))
    }

    /// Build keys cast to the probe keys' types.
    static func coerced(_ keys: [PhysicalExpression], to probeKeys: [PhysicalExpression]) throws -> [PhysicalExpression] {
        try zip(probeKeys, keys).map { probe, key in
            let probeType = try ExpressionEvaluator.resultType(of: probe, schema: Schema([]))
            let keyType = try ExpressionEvaluator.resultType(of: key, schema: Schema([]))
            return probeType == keyType ? key : .cast(key, probeType)
        }
    }
}

private struct JoinRelation {
    var plan: LogicalPlan
    var scope: Scope
}

/// `leftExpression = rightExpression`, each over one relation (indices into the FROM list).
private struct JoinEdge {
    var left: Int
    var leftExpression: SQLExpression
    var right: Int
    var rightExpression: SQLExpression
}

extension SQLExpression {
    /// Whether a subquery appears anywhere in the expression.
    var containsSubquery: Bool {
        switch self {
        case .inSubquery, .exists, .subquery: true
        default: children.contains { $0.containsSubquery }
        }
    }
}
