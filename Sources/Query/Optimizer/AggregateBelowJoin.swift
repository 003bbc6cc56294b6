import QueryKernels

/// Marks an aggregate over an inner or left join whose aggregate arguments read only the probe
/// (left) side, so the executor may aggregate the probe side by its join key before the join
/// (eager aggregation). That is exact only when every probe row matches at most one build row,
/// which the executor checks on the built hash table (unique build keys) before using it; the
/// aggregate states themselves (counts, sums, min/max, avg's sum and count, Welford moments,
/// distinct sets) merge exactly, so any aggregate qualifies. Only where it pays (measured on
/// TPC-H): the grouping keys read the build side alone, so the probe side is grouped by its
/// join keys (trips by zone) — grouping by probe columns too (Q11's part keys beside the
/// supplier key) makes about as many groups as rows — and the build side keeps every row: a
/// filtered build side (Q9's green parts, Q10's quarter of orders, Q11's one nation) drops most
/// probe rows in the join, work the early grouping would have done for nothing.
enum AggregateBelowJoin {
    static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        switch plan {
        case .aggregate(let input, let keys, let names, let specs):
            let input = apply(input)
            if case .join(let left, let right, let kind, _, _, nil) = input, kind == .inner || kind == .leftOuter,
               !right.restrictsRows,
               let leftWidth = try? left.schema().fields.count,
               keys.allSatisfy({ $0.columnsUsed.allSatisfy { $0 >= leftWidth } }),
               specs.allSatisfy({ ($0.argument?.columnsUsed ?? []).allSatisfy { $0 < leftWidth } }) {
                return .aggregateBelowJoin(input, keys: keys, keyNames: names, aggregates: specs)
            }
            return .aggregate(input, keys: keys, keyNames: names, aggregates: specs)
        default: return plan.mapChildren(apply)
        }
    }
}


extension LogicalPlan {
    /// Whether some filter, semi or anti join below may drop rows of the relations it reads.
    var restrictsRows: Bool {
        switch self {
        case .filter: return true
        case .scan(_, _, _, let filter, _): return filter != nil
        case .join(_, _, let kind, _, _, _) where kind != .inner && kind != .leftOuter: return true
        default: return children.contains { $0.restrictsRows }
        }
    }
}
