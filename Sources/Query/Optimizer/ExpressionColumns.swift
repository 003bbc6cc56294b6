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
        case .literal: break
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
        switch self {
        case .column(let i, let t): return .column(map[i] ?? i, t)
        case .literal: return self
        case .arithmetic(let op, let a, let b): return .arithmetic(op, a.remapped(map), b.remapped(map))
        case .compare(let op, let a, let b): return .compare(op, a.remapped(map), b.remapped(map))
        case .and(let a, let b): return .and(a.remapped(map), b.remapped(map))
        case .or(let a, let b): return .or(a.remapped(map), b.remapped(map))
        case .isDistinctFrom(let a, let b, let n): return .isDistinctFrom(a.remapped(map), b.remapped(map), negated: n)
        case .negate(let a): return .negate(a.remapped(map))
        case .not(let a): return .not(a.remapped(map))
        case .isNull(let a): return .isNull(a.remapped(map))
        case .isNotNull(let a): return .isNotNull(a.remapped(map))
        case .like(let a, let p, let n): return .like(a.remapped(map), p, negated: n)
        case .cast(let a, let t): return .cast(a.remapped(map), t)
        case .between(let a, let l, let h, let n): return .between(a.remapped(map), low: l.remapped(map), high: h.remapped(map), negated: n)
        case .inList(let a, let list, let n): return .inList(a.remapped(map), list.map { $0.remapped(map) }, negated: n)
        case .caseWhen(let branches, let otherwise):
            return .caseWhen(branches.map { CaseBranch(when: $0.when.remapped(map), then: $0.then.remapped(map)) },
                             otherwise: otherwise?.remapped(map))
        case .coalesce(let list): return .coalesce(list.map { $0.remapped(map) })
        case .function(let fn, let list): return .function(fn, list.map { $0.remapped(map) })
        }
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
