import Columnar
import QueryKernels
import SQLParser
import Support

/// SQL text in, rows out: parse, bind, optimize, execute.
public struct QueryEngine: Sendable {
    public let catalog: Catalog
    public let executor: QueryExecutor

    /// `memoryLimit` nil: `MemoryLimit.default` (a share of the machine's or container's memory).
    public init(catalog: Catalog, threads: Int, memoryLimit: MemoryLimit? = nil, onMorselScanned: (@Sendable () -> Void)? = nil) {
        self.catalog = catalog
        self.executor = QueryExecutor(threads: threads, budget: MemoryBudget(memoryLimit ?? .default),
                                      onMorselScanned: onMorselScanned)
    }

    public struct Result: Sendable {
        public var schema: Schema
        public var batches: [RecordBatch]
        /// Columns to print as integers although stored as DECIMAL(38,0) (sums of integers).
        public var hugeIntColumns: Set<Int>
        /// Bytes the query's operators wrote to (encrypted) spill files.
        public var spilledBytes = 0
    }

    public func plan(_ sql: String) throws -> (plan: LogicalPlan, names: [String], hugeInts: Set<Int>) {
        let query = try SQLParser.parse(sql)
        let bound = try QueryBinder(catalog: catalog).bindStatement(query)
        return (Optimizer.optimize(bound.plan), bound.names, bound.hugeIntColumns)
    }

    /// Runs `sql` on a thread of its own (`Offload`), after loading what its external tables
    /// must supply: a run that meets a scan not loaded yet stops before executing anything
    /// else, the scans are loaded (awaited, concurrently) and the query runs again. Planning
    /// reads no table, so one round suffices; the loop bounds a table that keeps asking.
    public func run(_ sql: String) async throws -> Result {
        try await withExternalScansLoaded { try runLoaded(sql) }
    }

    private func withExternalScansLoaded<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        for _ in 0..<8 {
            do {
                return try await Offload.run(body)
            } catch is ExternalScansPending {
                try await catalog.loadPendingExternalScans()
            }
        }
        throw QueryError(.unsupported, "the query's external tables kept needing new scans (more than 8 rounds)")
    }

    /// Runs `sql` on the calling thread. External tables must have been loaded (`run` does
    /// that); a query over Parquet and CSV only needs nothing loaded.
    public func runLoaded(_ sql: String) throws -> Result {
        let (plan, names, hugeInts) = try plan(sql)
        guard plan.externalScansLoaded() else { throw ExternalScansPending() }
        let spilledBefore = executor.budget?.spilledBytes ?? 0
        let batches = try executor.run(plan)
        let schema = try plan.schema()
        let renamed = Schema(zip(names, schema.fields).map { Field($0, $1.type, nullable: $1.nullable) })
        return Result(schema: renamed, batches: batches.map { RecordBatch(schema: renamed, columns: $0.columns, rowCount: $0.rowCount) },
                      hugeIntColumns: hugeInts, spilledBytes: (executor.budget?.spilledBytes ?? 0) - spilledBefore)
    }

    /// The plan as text. Planning runs nothing (subqueries are init plans) and reads no table.
    public func explain(_ sql: String) throws -> String {
        try PlanText.render(plan(sql).plan)
    }
}
