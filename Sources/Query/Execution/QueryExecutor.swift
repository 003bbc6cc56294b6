import Columnar
import Parquet
import QueryKernels

/// Runs a logical plan. Streaming parts (scan → filter → project → join probe) run per morsel
/// on `threads` workers; aggregation is partial per worker and merged; sort, top-N and limit
/// finish on one thread.
public struct QueryExecutor: Sendable {
    public let threads: Int
    public let budget: MemoryBudget?
    /// Called (from worker threads) after each morsel is scanned: for progress displays.
    public let onMorselScanned: (@Sendable () -> Void)?

    public init(threads: Int, budget: MemoryBudget? = nil, onMorselScanned: (@Sendable () -> Void)? = nil) {
        self.threads = max(1, threads)
        self.budget = budget
        self.onMorselScanned = onMorselScanned
    }

    /// A unit of streaming work: produces one batch.
    typealias Task = @Sendable () throws -> RecordBatch

    public func run(_ plan: LogicalPlan) throws -> [RecordBatch] {
        switch plan {
        case .withInitPlans(let body, let initPlans):
            return try run(body.replacingParameters(try initPlanValues(initPlans)))
        case .aggregate(let input, let keys, let names, let specs):
            let inMemory = { [try aggregate(try tasks(input), keys: keys, names: names, specs: specs).finish()] }
            // An aggregate without keys holds one group: nothing to spill.
            guard !keys.isEmpty else { return try inMemory() }
            return try spilling(inMemory) {
                try partitionedAggregate(input, keys: keys, names: names, specs: specs)
            }
        case .aggregateBelowJoin(let input, let keys, let names, let specs):
            // Over the limit (the eager partial groups or the join's table): the plain aggregate
            // over the join, whose join and groups spill.
            return try spilling {
                [try aggregateBelowJoin(input, keys: keys, names: names, specs: specs)]
            } overLimit: {
                keys.isEmpty ? [try aggregate(try tasks(input), keys: keys, names: names, specs: specs).finish()]
                    : try partitionedAggregate(input, keys: keys, names: names, specs: specs)
            }
        case .sort(let input, let keys):
            var sort = Sort(keys: keys, schema: try input.schema(), budget: budget)
            try forEachBatchInOrder(try tasks(input)) { try sort.consume($0) }
            return try sort.finish()
        case .topN(let input, let keys, let limit, let offset):
            let schema = try input.schema()
            let tasks = try self.tasks(input)
            let partials = try Workers.run(count: tasks.count, threads: threads,
                                           makeState: { TopN(keys: keys, schema: schema, limit: limit + offset) }) { topN, i in
                try topN.consume(try tasks[i]())
            }
            var final = TopN(keys: keys, schema: schema, limit: limit, offset: offset)
            for var partial in partials { try final.consume(try partial.finish()) }
            return [try final.finish()]
        case .limit(let input, let limit, let offset):
            // In order, one task at a time, stopping as soon as the limit is reached.
            var operation = Limit(limit: limit ?? Int.max, offset: offset)
            var out: [RecordBatch] = []
            for task in try tasks(input) {
                if operation.isFinished { break }
                let batch = operation.consume(try task())
                if batch.rowCount > 0 { out.append(batch) }
            }
            return out.isEmpty ? [RecordBatch(schema: try plan.schema(), columns: try emptyColumns(plan.schema()), rowCount: 0)] : out
        default:
            let tasks = try self.tasks(plan)
            let results = try Workers.run(count: tasks.count, threads: threads, makeState: { [(Int, RecordBatch)]() }) { out, i in
                let batch = try tasks[i]()
                try budget?.charge(batch.columns.reduce(0) { $0 + $1.approximateByteSize })
                out.append((i, batch))
            }
            let ordered = results.flatMap { $0 }.sorted { $0.0 < $1.0 }.map(\.1)
            return ordered.isEmpty ? [RecordBatch(schema: try plan.schema(), columns: try emptyColumns(plan.schema()), rowCount: 0)] : ordered
        }
    }

    /// The tasks' batches, in task order, to `body` on this thread; the tasks run on the workers
    /// a window at a time, so only a window of batches is held (an operator that spills sees
    /// its input as it comes, not all of it at once).
    func forEachBatchInOrder(_ tasks: [Task], _ body: (RecordBatch) throws -> Void) throws {
        let window = threads * 2
        var start = 0
        while start < tasks.count {
            let end = min(tasks.count, start + window)
            let results = try Workers.run(count: end - start, threads: threads, makeState: { [(Int, RecordBatch)]() }) { out, i in
                out.append((i, try tasks[start + i]()))
            }
            for (_, batch) in results.flatMap({ $0 }).sorted(by: { $0.0 < $1.0 }) { try body(batch) }
            start = end
        }
    }

    /// `inMemory`, or when it fails on the memory limit, `overLimit` (which spills) after giving
    /// back what the failed attempt held. Its input runs again: cheaper than holding it.
    private func spilling<T>(_ inMemory: () throws -> T, overLimit: () throws -> T) throws -> T {
        guard let budget else { return try inMemory() }
        let mark = budget.usedBytes
        do {
            return try inMemory()
        } catch let error as QueryError where error.code == .memoryLimit {
            budget.release(down: mark)
            return try overLimit()
        }
    }

    /// A join over the memory limit (GraceHashJoin): one task per partition pair.
    private func graceJoinTasks(_ plan: LogicalPlan) throws -> [Task] {
        guard case .join(let left, let right, let kind, let leftKeys, let rightKeys, let residual) = plan else { return [] }
        var join = try GraceHashJoin(kind: kind, probeKeys: leftKeys, buildKeys: rightKeys, residual: residual, budget: budget)
        try forEachBatchInOrder(try tasks(right)) { try join.addBuild($0) }
        try forEachBatchInOrder(try tasks(left)) { try join.addProbe($0) }
        let schema = try plan.schema()
        let empty = try emptyColumns(schema)
        return try join.partitionJoins(buildSchema: try right.schema(), probeSchema: try left.schema()).map { partition in
            {
                let parts = try partition()
                return parts.isEmpty ? RecordBatch(schema: schema, columns: empty, rowCount: 0) : try Concatenate.batches(parts, schema: schema)
            }
        }
    }

    private func partitionedAggregate(_ input: LogicalPlan, keys: [PhysicalExpression], names: [String], specs: [AggregateSpec]) throws -> [RecordBatch] {
        var aggregate = try PartitionedAggregate(keys: keys, keyNames: names, aggregates: specs, budget: budget)
        try forEachBatchInOrder(try tasks(input)) { try aggregate.consume($0) }
        return try aggregate.finish()
    }

    /// The aggregate of the tasks' batches: partial per worker, merged.
    private func aggregate(_ tasks: [Task], keys: [PhysicalExpression], names: [String], specs: [AggregateSpec]) throws -> HashAggregate {
        let budget = self.budget
        let partials = try Workers.run(count: tasks.count, threads: threads, makeState: {
            try HashAggregate(keys: keys, keyNames: names, aggregates: specs, budget: budget)
        }) { aggregate, i in
            try aggregate.consume(try tasks[i]())
        }
        var merged = partials[0]
        for partial in partials.dropFirst() { try merged.merge(partial) }
        return merged
    }

    /// See `LogicalPlan.aggregateBelowJoin`. With unique build keys: aggregate the probe side
    /// by (join keys, probe columns the grouping keys read), probe the partial groups' keys
    /// (a few rows) against the join's table, and merge each matched (or, for a left join,
    /// unmatched) partial group into the final group its joined row falls in.
    private func aggregateBelowJoin(_ input: LogicalPlan, keys: [PhysicalExpression], names: [String], specs: [AggregateSpec]) throws -> RecordBatch {
        guard case .join(let left, let right, let kind, let leftKeys, let rightKeys, nil) = input, kind == .inner || kind == .leftOuter else {
            return try aggregate(try tasks(input), keys: keys, names: names, specs: specs).finish()
        }
        let join = try buildJoin(right, kind: kind, leftKeys: leftKeys, rightKeys: rightKeys)  // over the limit: see run(_:)
        let leftTasks = try tasks(left)
        guard join.hasUniqueBuildKeys else {
            return try aggregate(leftTasks.map { task in { try join.probeInPieces(try task()) } }, keys: keys, names: names, specs: specs).finish()
        }
        let leftSchema = try left.schema()
        let leftWidth = leftSchema.fields.count
        let leftColumns = keys.reduce(into: Set<Int>()) { $0.formUnion($1.columnsUsed) }.filter { $0 < leftWidth }.sorted()
        let partialKeys = leftKeys + leftColumns.map { PhysicalExpression.column($0, leftSchema.fields[$0].type) }
        let partial = try aggregate(leftTasks, keys: partialKeys, names: partialKeys.indices.map { "k\($0)" }, specs: specs)

        // One row per partial group: its keys and its group id, joined to the build side.
        var groupKeys = partial.keyColumns()
        let groupIdColumn = groupKeys.count
        groupKeys.append(Column(type: .int64, values: .int64((0..<Int64(partial.groupCount)).map { $0 })))
        let keySchema = Schema(groupKeys.indices.map { Field("k\($0)", groupKeys[$0].type) })
        let groupBatch = RecordBatch(schema: keySchema, columns: groupKeys, rowCount: partial.groupCount)
        let joined = try join.probe(groupBatch, keys: leftKeys.indices.map { .column($0, groupKeys[$0].type) })
        guard case .int64(let sourceGroups) = joined.columns[groupIdColumn].values else {
            throw QueryError(.invalidArgument, "aggregate below join: group ids lost in the join")
        }

        // The final keys read the joined rows: probe columns from the partial keys, build columns after the group id.
        var map: [Int: Int] = [:]
        for (i, c) in leftColumns.enumerated() { map[c] = leftKeys.count + i }
        for c in 0..<(try right.schema().fields.count) { map[leftWidth + c] = groupIdColumn + 1 + c }
        var final = try HashAggregate(keys: keys.map { $0.remapped(map) }, keyNames: names, aggregates: specs, budget: budget)
        try final.mergeRegrouped(partial, keysFrom: joined, sourceGroups: sourceGroups.map { Int32($0) })
        return final.finish()
    }

    private func buildJoin(_ right: LogicalPlan, kind: JoinKind, leftKeys: [PhysicalExpression], rightKeys: [PhysicalExpression],
                           residual: PhysicalExpression? = nil) throws -> HashJoin {
        var join = try HashJoin(kind: kind, probeKeys: leftKeys, buildKeys: rightKeys, budget: budget)
        join.residual = residual
        for batch in try run(right) { try join.addBuild(batch) }
        try join.finishBuild(schema: try right.schema())
        return join
    }

    /// One task per morsel that survives pruning: scan, then filter; `keeping` (when given) are
    /// the scanned columns to return, the others only feed the filter.
    private func scanTasks(_ source: TableSource, columns: [Int], filter: PhysicalExpression?, pruning: [PruningPredicate],
                           keeping: [Int]?) -> [Task] {
        // An external table is one task: one load, narrowed by the filter's pushable equalities.
        if case .external(let external) = source {
            let equalities = ExternalEquality.pushable(filter, columns: columns, table: external.table)
            let scanned = onMorselScanned
            return [{
                let batch = try external.batch(columns: columns, equalities: equalities)
                scanned?()
                return try Self.filtered(batch, filter, keeping: keeping)
            }]
        }
        let morsels = (0..<source.morselCount).filter { morsel in
            !pruning.contains { $0.rulesOut(source.statistics(morsel, column: $0.column)) }
        }
        let scanned = onMorselScanned
        // Fewer morsels than threads (a filter pruned most row groups, or a small table):
        // the idle threads decode the morsel's columns alongside.
        let concurrency = morsels.isEmpty ? 1 : max(1, threads / morsels.count)
        let proof = filter.flatMap { FilterIntoScan.statisticsProof($0, columns: columns, source: source) }
        return morsels.map { morsel in
            // Statistics may show every row of the morsel passes the filter: then skip it.
            let filter = proof.map { p in p.allSatisfy { $0.holdsForAll(source.statistics(morsel, column: $0.column)) } } == true ? nil : filter
            return {
                let batch = try source.scan(morsel, columns: columns, concurrency: concurrency)
                scanned?()
                return try Self.filtered(batch, filter, keeping: keeping)
            }
        }
    }

    private static func filtered(_ batch: RecordBatch, _ filter: PhysicalExpression?, keeping: [Int]?) throws -> RecordBatch {
        switch (filter, keeping) {
        case (nil, nil): return batch
        case (nil, let keeping?): return batch.selecting(keeping)
        case (let filter?, nil): return try ExpressionEvaluator.filter(batch, filter)
        case (let filter?, let keeping?): return try ExpressionEvaluator.filter(batch, filter, keeping: keeping)
        }
    }

    /// The streaming tasks of a plan; blocking nodes are computed here and become one task per batch.
    func tasks(_ plan: LogicalPlan) throws -> [Task] {
        switch plan {
        case .scan(_, let source, let columns, let filter, let pruning):
            return scanTasks(source, columns: columns, filter: filter, pruning: pruning, keeping: nil)
        case .project(.scan(_, let source, let columns, let filter, let pruning), let expressions, let schema)
            where filter != nil && expressions.allSatisfy({ if case .column = $0 { true } else { false } }):
            // Plain columns over a filtered scan (ColumnPruning's drop of filter-only columns): one step.
            let keeping = expressions.map { e -> Int in if case .column(let i, _) = e { return i }; return 0 }
            // Evaluated as `.project` would (same storage for the same types), on the kept columns.
            let kept = expressions.enumerated().map { k, e -> PhysicalExpression in
                if case .column(_, let t) = e { return .column(k, t) }
                return e
            }
            return scanTasks(source, columns: columns, filter: filter, pruning: pruning, keeping: keeping).map { task in
                {
                    let batch = try task()
                    let columns = try kept.map { try ExpressionEvaluator.evaluate($0, on: batch) }
                    return RecordBatch(schema: schema, columns: columns, rowCount: batch.rowCount)
                }
            }
        case .values(let batch):
            return [{ batch }]
        case .filter(let input, let predicate):
            return try tasks(input).map { task in { try ExpressionEvaluator.filter(try task(), predicate) } }
        case .project(let input, let expressions, let schema):
            return try tasks(input).map { task in
                {
                    let batch = try task()
                    let columns = try expressions.map { try ExpressionEvaluator.evaluate($0, on: batch) }
                    return RecordBatch(schema: schema, columns: columns, rowCount: batch.rowCount)
                }
            }
        case .join(let left, let right, let kind, let leftKeys, let rightKeys, let residual):
            // A build side that does not fit: both sides go to spill partitions, joined pair by pair.
            let fitting: HashJoin? = try spilling {
                try buildJoin(right, kind: kind, leftKeys: leftKeys, rightKeys: rightKeys, residual: residual)
            } overLimit: { nil }
            guard let built = fitting else { return try graceJoinTasks(plan) }
            let probes: [Task] = try tasks(left).map { task in { try built.probeInPieces(try task()) } }
            guard kind.tracksBuildRows else { return probes }
            // Build rows are emitted once every probe has marked the ones it matched.
            var outputs: [RecordBatch] = []
            try forEachBatchInOrder(probes) { if $0.rowCount > 0 { outputs.append($0) } }
            outputs.append(try built.finishProbe(probeSchema: try left.schema()))
            return outputs.map { batch in { batch } }
        case .unionAll(let inputs):
            return try inputs.flatMap { try tasks($0) }
        case .withInitPlans(let body, let initPlans):
            return try tasks(body.replacingParameters(try initPlanValues(initPlans)))
        case .aggregate, .aggregateBelowJoin, .sort, .topN, .limit:
            return try run(plan).map { batch in { batch } }
        }
    }

    private func emptyColumns(_ schema: Schema) throws -> [Column] {
        try schema.fields.map { try EmptyColumn.make($0.type) }
    }
}

enum EmptyColumn {
    static func make(_ type: DataType) throws -> Column {
        let values: ColumnValues
        switch type {
        case .boolean: values = .boolean([])
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .timestamp: values = .int64([])
        case .date: values = .int32([])
        case .float32, .float64: values = .float64([])
        case .decimal(let p, _): values = p <= 18 ? .int64([]) : .fixed(width: 16, data: [])
        case .fixedBinary(let w): values = .fixed(width: w, data: [])
        default: values = .bytes(ByteArrays())
        }
        return Column(type: type, values: values)
    }
}

extension PruningPredicate {
    /// True when the statistics prove every row of the morsel satisfies the predicate: no NULLs
    /// (known), and both bounds on the right side of the value.
    func holdsForAll(_ statistics: ColumnStatistics?) -> Bool {
        guard let statistics, statistics.nullCount == 0, case .int(let min)? = statistics.min, case .int(let max)? = statistics.max,
              case .int(let v) = value else { return false }
        switch comparison {
        case .less: return max < v
        case .lessOrEqual: return max <= v
        case .greater: return min > v
        case .greaterOrEqual: return min >= v
        case .equal: return min == v && max == v
        }
    }

    /// True when the statistics prove no row of the morsel can satisfy the predicate.
    func rulesOut(_ statistics: ColumnStatistics?) -> Bool {
        guard let statistics, let min = statistics.min, let max = statistics.max else { return false }
        func compare(_ bound: StatisticValue, _ value: StatisticBound) -> Int? {
            switch (bound, value) {
            case (.int(let a), .int(let b)): return a < b ? -1 : (a == b ? 0 : 1)
            case (.double(let a), .double(let b)): return a < b ? -1 : (a == b ? 0 : 1)
            case (.int(let a), .double(let b)): return Double(a) < b ? -1 : (Double(a) == b ? 0 : 1)
            case (.double(let a), .int(let b)): return a < Double(b) ? -1 : (a == Double(b) ? 0 : 1)
            default: return nil
            }
        }
        guard let lo = compare(min, value), let hi = compare(max, value) else { return false }
        switch comparison {
        case .less: return lo >= 0            // min ≥ v: nothing below v
        case .lessOrEqual: return lo > 0
        case .greater: return hi <= 0          // max ≤ v
        case .greaterOrEqual: return hi < 0
        case .equal: return lo > 0 || hi < 0
        }
    }
}
