import Columnar

/// GROUP BY over the memory limit (the in-memory HashAggregate failed): the keys and aggregate
/// arguments of every input row are written to spill partitions by a hash of the keys, then each
/// partition, which holds whole groups, is aggregated alone; a partition still too large is split
/// again on other hash bits, up to `SpillPartitions.maxLevel`.
public struct PartitionedAggregate {
    let keys: [PhysicalExpression]
    let keyNames: [String]
    let aggregates: [AggregateSpec]
    let budget: MemoryBudget?
    /// The aggregate over the partitions' columns: keys, then one column per argument.
    private let partitionKeys: [PhysicalExpression]
    private let partitionAggregates: [AggregateSpec]
    private let arguments: [PhysicalExpression]
    private var partitions: SpillPartitions
    private var projectedSchema: Schema?

    public init(keys: [PhysicalExpression], keyNames: [String], aggregates: [AggregateSpec], budget: MemoryBudget?) throws(QueryError) {
        guard !keys.isEmpty else {
            throw QueryError(.invalidArgument, "an aggregate without GROUP BY cannot spill")
        }
        self.keys = keys
        self.keyNames = keyNames
        self.aggregates = aggregates
        self.budget = budget
        let empty = Evaluation(batch: nil, rows: 0)
        partitionKeys = try keys.enumerated().map { i, k throws(QueryError) in .column(i, try empty.eval(k).type) }
        var arguments: [PhysicalExpression] = []
        var specs: [AggregateSpec] = []
        for spec in aggregates {
            guard let argument = spec.argument else { specs.append(spec); continue }
            let column = PhysicalExpression.column(keys.count + arguments.count, try empty.eval(argument).type)
            arguments.append(argument)
            specs.append(AggregateSpec(spec.function, column, distinct: spec.distinct, name: spec.name))
        }
        self.arguments = arguments
        partitionAggregates = specs
        partitions = try SpillPartitions(level: 0, budget: budget)
    }

    /// One input batch: its keys and arguments go to the partitions.
    public mutating func consume(_ batch: RecordBatch) throws(QueryError) {
        guard batch.rowCount > 0 else { return }
        let expressions = keys + arguments
        let columns = try expressions.map { e throws(QueryError) in try ExpressionEvaluator.evaluate(e, on: batch) }
        let schema = projectedSchema ?? Schema(columns.enumerated().map { Field("c\($0.offset)", $0.element.type) })
        projectedSchema = schema
        try partitions.add(RecordBatch(schema: schema, columns: columns, rowCount: batch.rowCount), keyColumns: 0..<keys.count)
    }

    public mutating func finish() throws(QueryError) -> [RecordBatch] {
        guard let schema = projectedSchema else {
            return [try HashAggregate(keys: keys, keyNames: keyNames, aggregates: aggregates).finish()]
        }
        var out: [RecordBatch] = []
        for file in try partitions.finish(schema: schema) {
            try aggregate(file, schema: schema, level: 0, into: &out)
        }
        return out
    }

    private func aggregate(_ file: SpillFile, schema: Schema, level: Int, into out: inout [RecordBatch]) throws(QueryError) {
        guard file.blockCount > 0 else { return }
        var table = try HashAggregate(keys: partitionKeys, keyNames: keyNames, aggregates: partitionAggregates, budget: budget)
        do {
            for b in 0..<file.blockCount { try table.consume(try file.read(b, schema: schema)) }
            out.append(table.finish())
            table.releaseMemory()
        } catch where error.code == .memoryLimit && level < SpillPartitions.maxLevel {
            table.releaseMemory()
            var split = try SpillPartitions(level: level + 1, budget: budget)
            for b in 0..<file.blockCount { try split.add(try file.read(b, schema: schema), keyColumns: 0..<keys.count) }
            for part in try split.finish(schema: schema) { try aggregate(part, schema: schema, level: level + 1, into: &out) }
        }
    }
}
