import QueryKernels

/// A filter right above a scan runs inside the scan, per morsel; its `column op constant`
/// conjuncts also become row-group pruning predicates on the statistics.
enum FilterIntoScan {
    static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        switch plan {
        case .filter(.scan(let table, let source, let columns, let existing, let pruning), let predicate):
            let combined = existing.map { PhysicalExpression.and($0, predicate) } ?? predicate
            return .scan(table: table, source: source, columns: columns, filter: combined,
                         pruning: pruning + pruningPredicates(predicate, columns: columns, source: source))
        case .filter(let input, let p): return rebuiltIfChanged(.filter(apply(input), p), from: plan)
        default: return plan.mapChildren(apply)
        }
    }

    /// After the input was rewritten, a filter may now sit right above a scan.
    private static func rebuiltIfChanged(_ rewritten: LogicalPlan, from original: LogicalPlan) -> LogicalPlan {
        if case .filter(.scan, _) = rewritten { return apply(rewritten) }
        return rewritten
    }

    /// The pruning predicates `filter`'s conjuncts allow.
    static func pruningPredicates(_ filter: PhysicalExpression, columns: [Int], source: TableSource) -> [PruningPredicate] {
        conjuncts(filter).compactMap { pruningPredicate($0, columns: columns, source: source) }
    }

    static func conjuncts(_ e: PhysicalExpression) -> [PhysicalExpression] {
        if case .and(let a, let b) = e { return conjuncts(a) + conjuncts(b) }
        return [e]
    }

    /// Predicates that, all true on a morsel's statistics with no NULLs, prove every row passes
    /// `filter`: one per conjunct, each a plain `integer-like column op literal` (statistics of
    /// integers, dates and timestamps are exact; floats are left out for NaN). Nil when some
    /// conjunct has no such form.
    static func statisticsProof(_ filter: PhysicalExpression, columns: [Int], source: TableSource) -> [PruningPredicate]? {
        var out: [PruningPredicate] = []
        for c in conjuncts(filter) {
            guard case .compare(_, let a, let b) = c else { return nil }
            switch (a, b) {
            case (.column, .literal), (.literal, .column): break
            default: return nil
            }
            guard let p = pruningPredicate(c, columns: columns, source: source), case .int = p.value else { return nil }
            switch source.schema.fields[p.column].type {
            case .int8, .int16, .int32, .int64, .date, .timestamp(.micros, _): out.append(p)
            default: return nil
            }
        }
        return out
    }

    private static func pruningPredicate(_ e: PhysicalExpression, columns: [Int], source: TableSource) -> PruningPredicate? {
        guard case .compare(let op, let a, let b) = e else { return nil }
        var column: Int, value: ScalarValue, comparison: ComparisonOperator = op
        switch (a, b) {
        case (.column(let i, _), .literal(let v)): column = i; value = v
        case (.column(let i, _), .cast(.literal(let v), _)): column = i; value = v
        case (.literal(let v), .column(let i, _)):
            column = i; value = v
            comparison = switch op {
            case .less: .greater
            case .lessOrEqual: .greaterOrEqual
            case .greater: .less
            case .greaterOrEqual: .lessOrEqual
            default: op
            }
        default: return nil
        }
        // Only where the statistics are in the literal's units: plain integers and floats,
        // dates in days, timestamps in microseconds.
        let bound: PruningPredicate.StatisticBound
        switch (source.schema.fields[columns[column]].type, value) {
        case (.int8, .int64(let i)), (.int16, .int64(let i)), (.int32, .int64(let i)), (.int64, .int64(let i)): bound = .int(i)
        case (.int8, .double(let d)), (.int16, .double(let d)), (.int32, .double(let d)), (.int64, .double(let d)),
             (.float32, .double(let d)), (.float64, .double(let d)): bound = .double(d)
        case (.float32, .int64(let i)), (.float64, .int64(let i)): bound = .double(Double(i))
        case (.date, .date(let d)): bound = .int(Int64(d))
        case (.timestamp(.micros, _), .timestamp(let t)): bound = .int(t)
        default: return nil
        }
        let kind: PruningPredicate.Comparison
        switch comparison {
        case .less: kind = .less
        case .lessOrEqual: kind = .lessOrEqual
        case .greater: kind = .greater
        case .greaterOrEqual: kind = .greaterOrEqual
        case .equal: kind = .equal
        case .notEqual: return nil
        }
        return PruningPredicate(column: columns[column], comparison: kind, value: bound)
    }
}
