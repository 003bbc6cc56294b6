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

    /// How many distinct values an integer-like column `e` of `plan` can have at most: the span of
    /// its values by the row-group statistics (`max - min + 1`); nil when unknown (not a plain
    /// column of a scanned Parquet table, no statistics, not integers). A join key spanning few
    /// values (a nation key) joins many rows to many, which the row counts alone do not show.
    static func valueSpan(_ e: PhysicalExpression, in plan: LogicalPlan) -> Double? {
        guard case .column(let i, _) = e else { return nil }
        switch plan {
        case .filter(let input, _):
            return valueSpan(e, in: input)
        case .project(let input, let expressions, _):
            return i < expressions.count ? valueSpan(expressions[i], in: input) : nil
        case .scan(_, let source, let columns, _, _):
            guard i < columns.count, source.morselCount > 0 else { return nil }
            var low = Int64.max, high = Int64.min
            for morsel in 0..<source.morselCount {
                guard let stats = source.statistics(morsel, column: columns[i]),
                      case .int(let min)? = stats.min, case .int(let max)? = stats.max else { return nil }
                low = Swift.min(low, min)
                high = Swift.max(high, max)
            }
            let (span, overflow) = high.subtractingReportingOverflow(low)
            return overflow ? nil : Double(span) + 1
        default:
            return nil
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
