import Columnar
import QueryKernels

/// Projection pushdown: every node keeps only the columns something above it reads, so
/// scans decode only those columns (and `count(*)` decodes none).
enum ColumnPruning {
    static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        (try? prune(plan, required: nil).plan) ?? plan
    }

    /// Returns the rewritten plan and where each kept output column of the old plan now is.
    /// `required` nil keeps every output column.
    static func prune(_ plan: LogicalPlan, required: Set<Int>?) throws -> (plan: LogicalPlan, map: [Int: Int]) {
        switch plan {
        case .scan(let table, let source, let columns, let filter, let pruning):
            let needed = (required ?? Set(columns.indices)).union(filter?.columnsUsed ?? [])
            let kept = columns.indices.filter { needed.contains($0) }
            let map = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
            let scan = LogicalPlan.scan(table: table, source: source, columns: kept.map { columns[$0] },
                                        filter: filter?.remapped(map), pruning: pruning)
            // Columns only the filter reads are dropped right after it (a projection of plain
            // columns, fused with the scan by the executor), so filtered rows of them are never copied.
            if let required, filter != nil, kept.contains(where: { !required.contains($0) }) {
                let outputs = kept.filter { required.contains($0) }
                let fields = outputs.map { source.schema.fields[columns[$0]] }
                let expressions = zip(outputs, fields).map { PhysicalExpression.column(map[$0]!, $1.type) }
                return (.project(scan, expressions, Schema(fields)),
                        Dictionary(uniqueKeysWithValues: outputs.enumerated().map { ($1, $0) }))
            }
            return (scan, map)
        case .values:
            return (plan, identity(try plan.schema().fields.count))
        case .filter(let input, let predicate):
            let (child, map) = try prune(input, required: required.map { $0.union(predicate.columnsUsed) })
            return (.filter(child, predicate.remapped(map)), map)
        case .project(let input, let expressions, let schema):
            let kept = expressions.indices.filter { required?.contains($0) ?? true }
            let needed = kept.reduce(into: Set<Int>()) { $0.formUnion(expressions[$1].columnsUsed) }
            let (child, map) = try prune(input, required: needed)
            let outMap = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
            return (.project(child, kept.map { expressions[$0].remapped(map) }, .init(kept.map { schema.fields[$0] })), outMap)
        case .aggregate(let input, let keys, let names, let specs), .aggregateBelowJoin(let input, let keys, let names, let specs):
            let needed = (keys.map(\.columnsUsed) + specs.map { $0.argument?.columnsUsed ?? [] }).reduce(into: Set<Int>()) { $0.formUnion($1) }
            let (child, map) = try prune(input, required: needed)
            let keys = keys.map { $0.remapped(map) }, specs = specs.map { $0.remapped(map) }
            if case .aggregate = plan {
                return (.aggregate(child, keys: keys, keyNames: names, aggregates: specs), identity(keys.count + specs.count))
            }
            return (.aggregateBelowJoin(child, keys: keys, keyNames: names, aggregates: specs), identity(keys.count + specs.count))
        case .join(let left, let right, let kind, let leftKeys, let rightKeys, let residual):
            let leftWidth = try left.schema().fields.count
            let residualColumns = residual?.columnsUsed ?? []
            let residualLeft = residualColumns.filter { $0 < leftWidth }
            let residualRight = Set(residualColumns.filter { $0 >= leftWidth }.map { $0 - leftWidth })
            // Output positions: left columns then right ones, or one side's alone.
            let requiredLeft: Set<Int>? = kind.outputsRightOnly ? residualLeft : required.map { $0.filter { $0 < leftWidth }.union(residualLeft) }
            let requiredRight: Set<Int>? = kind.outputsLeftOnly ? residualRight
                : kind.outputsRightOnly ? required.map { $0.union(residualRight) }
                : required.map { Set($0.filter { $0 >= leftWidth }.map { $0 - leftWidth }).union(residualRight) }
            let (l, lmap) = try prune(left, required: requiredLeft.map { $0.union(leftKeys.flatMap(\.columnsUsed)) })
            let (r, rmap) = try prune(right, required: requiredRight.map { $0.union(rightKeys.flatMap(\.columnsUsed)) })
            // Where the right side's columns stand after the left's (the output of inner and
            // outer joins; the residual's view for semi and anti joins).
            var combined = lmap
            let newLeftWidth = try l.schema().fields.count
            for (old, new) in rmap { combined[leftWidth + old] = newLeftWidth + new }
            return (.join(l, r, kind, leftKeys: leftKeys.map { $0.remapped(lmap) }, rightKeys: rightKeys.map { $0.remapped(rmap) },
                          residual: residual?.remapped(combined)), kind.outputsLeftOnly ? lmap : kind.outputsRightOnly ? rmap : combined)
        case .sort(let input, let keys):
            let (child, map) = try prune(input, required: required.map { $0.union(keys.flatMap { $0.expression.columnsUsed }) })
            return (.sort(child, keys.map { $0.remapped(map) }), map)
        case .topN(let input, let keys, let limit, let offset):
            let (child, map) = try prune(input, required: required.map { $0.union(keys.flatMap { $0.expression.columnsUsed }) })
            return (.topN(child, keys.map { $0.remapped(map) }, limit: limit, offset: offset), map)
        case .limit(let input, let limit, let offset):
            let (child, map) = try prune(input, required: required)
            return (.limit(child, limit: limit, offset: offset), map)
        case .unionAll(let inputs):
            // Union inputs must keep identical columns: no pruning across the union.
            return (.unionAll(try inputs.map { try prune($0, required: nil).plan }), identity(try plan.schema().fields.count))
        case .withInitPlans(let body, let initPlans):
            let (child, map) = try prune(body, required: required)
            return (.withInitPlans(child, initPlans: try initPlans.map { try prune($0, required: nil).plan }), map)
        }
    }

    private static func identity(_ n: Int) -> [Int: Int] {
        Dictionary(uniqueKeysWithValues: (0..<n).map { ($0, $0) })
    }
}
