import Columnar
import QueryKernels

/// The plan the binder produces and the executor runs. Expressions refer to the columns of
/// the node's input by position.
public indirect enum LogicalPlan: Sendable {
    /// Reads `columns` of a table; `filter` (over the scanned columns) is applied per morsel,
    /// `pruning` skips morsels whose statistics rule every row out.
    case scan(table: String, source: TableSource, columns: [Int], filter: PhysicalExpression?, pruning: [PruningPredicate])
    /// A constant relation (SELECT without FROM: one row, no columns).
    case values(RecordBatch)
    case filter(LogicalPlan, PhysicalExpression)
    case project(LogicalPlan, [PhysicalExpression], Schema)
    case aggregate(LogicalPlan, keys: [PhysicalExpression], keyNames: [String], aggregates: [AggregateSpec])
    /// An `.aggregate` over a `.join` (inner or left) whose aggregate arguments read only the
    /// probe side (rule `AggregateBelowJoin`). Same result as `.aggregate`; when the build keys
    /// turn out unique the probe side is aggregated by its join key first and the partial
    /// groups are joined and regrouped, else it runs as `.aggregate`.
    case aggregateBelowJoin(LogicalPlan, keys: [PhysicalExpression], keyNames: [String], aggregates: [AggregateSpec])
    /// `left` is probed against a hash table built from `right`.
    /// `residual` (semi and anti joins): a condition over the left row's columns followed by the
    /// right row's that a key match must also meet.
    case join(LogicalPlan, LogicalPlan, QueryKernels.JoinKind, leftKeys: [PhysicalExpression], rightKeys: [PhysicalExpression],
              residual: PhysicalExpression? = nil)
    case sort(LogicalPlan, [SortKey])
    case topN(LogicalPlan, [SortKey], limit: Int, offset: Int)
    case limit(LogicalPlan, limit: Int?, offset: Int)
    case unionAll([LogicalPlan])

    public func schema() throws -> Schema {
        switch self {
        case .scan(_, let source, let columns, _, _):
            return Schema(columns.map { source.schema.fields[$0] })
        case .values(let batch): return batch.schema
        case .filter(let input, _), .sort(let input, _), .topN(let input, _, _, _), .limit(let input, _, _):
            return try input.schema()
        case .project(_, _, let schema): return schema
        case .aggregate(_, let keys, let names, let aggregates), .aggregateBelowJoin(_, let keys, let names, let aggregates):
            return try HashAggregate(keys: keys, keyNames: names, aggregates: aggregates).outputSchema
        case .join(let left, let right, let kind, _, _, _):
            let l = try left.schema()
            switch kind {
            case .leftSemi, .leftAnti: return l
            case .inner: return Schema(l.fields + (try right.schema()).fields)
            case .leftOuter:
                return Schema(l.fields + (try right.schema()).fields.map { Field($0.name, $0.type, nullable: true) })
            }
        case .unionAll(let inputs): return try inputs[0].schema()
        }
    }
}

/// `column op literal` usable against row-group statistics.
public struct PruningPredicate: Sendable {
    public enum Comparison: Sendable { case less, lessOrEqual, greater, greaterOrEqual, equal }
    public var column: Int          // index in the table's schema
    public var comparison: Comparison
    public var value: StatisticBound

    public enum StatisticBound: Sendable { case int(Int64), double(Double) }
}
