import Columnar
import QueryKernels
import SQLParser

/// SQL text in, rows out: parse, bind, optimize, execute.
public struct QueryEngine: Sendable {
    public let catalog: Catalog
    public let executor: QueryExecutor

    public init(catalog: Catalog, threads: Int, memoryLimit: Int? = nil, onMorselScanned: (@Sendable () -> Void)? = nil) {
        self.catalog = catalog
        self.executor = QueryExecutor(threads: threads, budget: MemoryBudget(limit: memoryLimit ?? .max),
                                      onMorselScanned: onMorselScanned)
    }

    public struct Result: Sendable {
        public var schema: Schema
        public var batches: [RecordBatch]
        /// Columns to print as integers although stored as DECIMAL(38,0) (sums of integers).
        public var hugeIntColumns: Set<Int>
    }

    public func plan(_ sql: String) throws -> (plan: LogicalPlan, names: [String], hugeInts: Set<Int>) {
        let query = try SQLParser.parse(sql)
        let executor = self.executor
        let bound = try QueryBinder(catalog: catalog, run: { plan in try executor.run(Optimizer.optimize(plan)) }).bind(query)
        return (Optimizer.optimize(bound.plan), bound.names, bound.hugeIntColumns)
    }

    public func run(_ sql: String) throws -> Result {
        let (plan, names, hugeInts) = try plan(sql)
        let batches = try executor.run(plan)
        let schema = try plan.schema()
        let renamed = Schema(zip(names, schema.fields).map { Field($0, $1.type, nullable: $1.nullable) })
        return Result(schema: renamed, batches: batches.map { RecordBatch(schema: renamed, columns: $0.columns, rowCount: $0.rowCount) },
                      hugeIntColumns: hugeInts)
    }

    public func explain(_ sql: String) throws -> String {
        try PlanText.render(plan(sql).plan)
    }
}
