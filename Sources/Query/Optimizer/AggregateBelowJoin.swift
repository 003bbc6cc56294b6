import QueryKernels

/// Marks an aggregate over an inner or left join whose aggregate arguments read only the probe
/// (left) side, so the executor may aggregate the probe side by its join key before the join
/// (eager aggregation). That is exact only when every probe row matches at most one build row,
/// which the executor checks on the built hash table (unique build keys) before using it; the
/// aggregate states themselves (counts, sums, min/max, avg's sum and count, Welford moments,
/// distinct sets) merge exactly, so any aggregate qualifies.
enum AggregateBelowJoin {
    static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        switch plan {
        case .aggregate(let input, let keys, let names, let specs):
            let input = apply(input)
            if case .join(let left, _, let kind, _, _, nil) = input, kind == .inner || kind == .leftOuter,
               let leftWidth = try? left.schema().fields.count,
               specs.allSatisfy({ ($0.argument?.columnsUsed ?? []).allSatisfy { $0 < leftWidth } }) {
                return .aggregateBelowJoin(input, keys: keys, keyNames: names, aggregates: specs)
            }
            return .aggregate(input, keys: keys, keyNames: names, aggregates: specs)
        case .scan, .values: return plan
        case .aggregateBelowJoin(let input, let k, let n, let a): return .aggregateBelowJoin(apply(input), keys: k, keyNames: n, aggregates: a)
        case .filter(let input, let p): return .filter(apply(input), p)
        case .project(let input, let e, let s): return .project(apply(input), e, s)
        case .join(let l, let r, let kind, let lk, let rk, let residual): return .join(apply(l), apply(r), kind, leftKeys: lk, rightKeys: rk, residual: residual)
        case .sort(let input, let keys): return .sort(apply(input), keys)
        case .topN(let input, let keys, let limit, let offset): return .topN(apply(input), keys, limit: limit, offset: offset)
        case .limit(let input, let limit, let offset): return .limit(apply(input), limit: limit, offset: offset)
        case .unionAll(let inputs): return .unionAll(inputs.map(apply))
        }
    }
}
