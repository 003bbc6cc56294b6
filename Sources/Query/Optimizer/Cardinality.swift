import QueryKernels

/// Rough row counts, for ordering joins and choosing build sides: a table's rows from its
/// metadata (Parquet footers, CSV batches), a fixed selectivity per filter conjunct, a join as
/// large as its larger input scaled by how much the smaller one was filtered. Ordering needs
/// only which relation is smaller, not exact counts.
enum Cardinality {
    /// Rows an external source is assumed to have (it says nothing before it is read).
    static let externalRows = 1_000.0
    /// The fraction of rows one filter conjunct keeps.
    static let conjunctSelectivity = 0.3

    static func estimate(_ plan: LogicalPlan) -> Double {
        switch plan {
        case .scan(_, let source, _, let filter, _):
            return baseRows(source) * selectivity(filter)
        case .values(let batch):
            return Double(batch.rowCount)
        case .filter(let input, let condition):
            return estimate(input) * selectivity(condition)
        case .project(let input, _, _), .sort(let input, _):
            return estimate(input)
        case .topN(let input, _, let limit, _):
            return min(Double(limit), estimate(input))
        case .limit(let input, let limit, _):
            return min(limit.map(Double.init) ?? .infinity, estimate(input))
        case .aggregate(let input, let keys, _, _), .aggregateBelowJoin(let input, let keys, _, _):
            return keys.isEmpty ? 1 : max(1, estimate(input) * 0.1)
        case .join(let left, let right, let kind, _, _, _):
            let l = estimate(left), r = estimate(right)
            switch kind {
            case .inner: return joined(l, r, smallerFraction: 1)
            case .leftOuter: return max(l, joined(l, r, smallerFraction: 1))
            case .rightOuter: return max(r, joined(l, r, smallerFraction: 1))
            case .fullOuter: return max(l, r, joined(l, r, smallerFraction: 1))
            case .leftSemi, .leftAnti: return l * 0.5
            case .rightSemi, .rightAnti: return r * 0.5
            }
        case .unionAll(let inputs):
            return inputs.reduce(0) { $0 + estimate($1) }
        case .withInitPlans(let body, _):
            return estimate(body)
        }
    }

    /// Rows of an inner join of inputs of `a` and `b` rows, the smaller of which keeps
    /// `smallerFraction` of its unfiltered rows (a foreign-key join keeps the larger side's rows
    /// whose partner survived the filter).
    static func joined(_ a: Double, _ b: Double, smallerFraction: Double) -> Double {
        max(a, b) * min(1, max(smallerFraction, 0.001))
    }

    /// The rows of the table before any filter.
    static func baseRows(_ source: TableSource) -> Double {
        switch source {
        case .parquet(let table): Double(table.rowCount)
        case .csv(let table): Double(table.batches.reduce(0) { $0 + $1.rowCount })
        case .external: externalRows
        }
    }

    /// Rows of `plan` before its filters (scans and filters peeled).
    static func unfilteredRows(_ plan: LogicalPlan) -> Double {
        switch plan {
        case .scan(_, let source, _, _, _): baseRows(source)
        case .filter(let input, _): unfilteredRows(input)
        default: estimate(plan)
        }
    }

    private static func selectivity(_ condition: PhysicalExpression?) -> Double {
        guard let condition else { return 1 }
        let conjuncts = FilterIntoScan.conjuncts(condition).count
        return max(0.01, pow(conjunctSelectivity, Double(conjuncts)))
    }

    private static func pow(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(exponent) { result *= base }
        return result
    }
}
