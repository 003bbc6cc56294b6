import QueryKernels

extension PhysicalExpression {
    /// Input columns the expression reads.
    var columnsUsed: Set<Int> {
        var out = Set<Int>()
        visitColumns { out.insert($0) }
        return out
    }

    private func visitColumns(_ f: (Int) -> Void) {
        switch self {
        case .column(let i, _): f(i)
        case .literal, .parameter: break
        case .arithmetic(_, let a, let b), .compare(_, let a, let b), .and(let a, let b), .or(let a, let b),
             .isDistinctFrom(let a, let b, _):
            a.visitColumns(f); b.visitColumns(f)
        case .negate(let a), .not(let a), .isNull(let a), .isNotNull(let a), .like(let a, _, _), .cast(let a, _):
            a.visitColumns(f)
        case .between(let a, let l, let h, _):
            a.visitColumns(f); l.visitColumns(f); h.visitColumns(f)
        case .inList(let a, let list, _):
            a.visitColumns(f); list.forEach { $0.visitColumns(f) }
        case .caseWhen(let branches, let otherwise):
            for b in branches { b.when.visitColumns(f); b.then.visitColumns(f) }
            otherwise?.visitColumns(f)
        case .coalesce(let list), .function(_, let list):
            list.forEach { $0.visitColumns(f) }
        }
    }

    /// The expression with column `i` replaced by `map[i]`.
    func remapped(_ map: [Int: Int]) -> PhysicalExpression {
        transformed { e in
            if case .column(let i, let t) = e { return .column(map[i] ?? i, t) }
            return e
        }
    }

    /// Rebuilt bottom-up: every subexpression, its own children already transformed, goes
    /// through `f`.
    func transformed(_ f: (PhysicalExpression) -> PhysicalExpression) -> PhysicalExpression {
        let rebuilt: PhysicalExpression = switch self {
        case .column, .literal, .parameter: self
        case .arithmetic(let op, let a, let b): .arithmetic(op, a.transformed(f), b.transformed(f))
        case .compare(let op, let a, let b): .compare(op, a.transformed(f), b.transformed(f))
        case .and(let a, let b): .and(a.transformed(f), b.transformed(f))
        case .or(let a, let b): .or(a.transformed(f), b.transformed(f))
        case .isDistinctFrom(let a, let b, let n): .isDistinctFrom(a.transformed(f), b.transformed(f), negated: n)
        case .negate(let a): .negate(a.transformed(f))
        case .not(let a): .not(a.transformed(f))
        case .isNull(let a): .isNull(a.transformed(f))
        case .isNotNull(let a): .isNotNull(a.transformed(f))
        case .like(let a, let p, let n): .like(a.transformed(f), p, negated: n)
        case .cast(let a, let t): .cast(a.transformed(f), t)
        case .between(let a, let l, let h, let n): .between(a.transformed(f), low: l.transformed(f), high: h.transformed(f), negated: n)
        case .inList(let a, let list, let n): .inList(a.transformed(f), list.map { $0.transformed(f) }, negated: n)
        case .caseWhen(let branches, let otherwise):
            .caseWhen(branches.map { CaseBranch(when: $0.when.transformed(f), then: $0.then.transformed(f)) },
                      otherwise: otherwise?.transformed(f))
        case .coalesce(let list): .coalesce(list.map { $0.transformed(f) })
        case .function(let fn, let list): .function(fn, list.map { $0.transformed(f) })
        }
        return f(rebuilt)
    }
}

extension SortKey {
    func remapped(_ map: [Int: Int]) -> SortKey {
        SortKey(expression.remapped(map), ascending: ascending, nullsFirst: nullsFirst)
    }
}

extension AggregateSpec {
    func remapped(_ map: [Int: Int]) -> AggregateSpec {
        AggregateSpec(function, argument?.remapped(map), distinct: distinct, name: name)
    }
}
