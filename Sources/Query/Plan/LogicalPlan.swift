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
    /// `residual`: a condition over the left row's columns followed by the right row's that a
    /// key match must also meet (outer joins NULL-extend rows whose matches all fail it).
    case join(LogicalPlan, LogicalPlan, QueryKernels.JoinKind, leftKeys: [PhysicalExpression], rightKeys: [PhysicalExpression],
              residual: PhysicalExpression? = nil)
    case sort(LogicalPlan, [SortKey])
    case topN(LogicalPlan, [SortKey], limit: Int, offset: Int)
    case limit(LogicalPlan, limit: Int?, offset: Int)
    case unionAll([LogicalPlan])
    /// `body` refers to uncorrelated subqueries through `.parameter(i, _)`: `initPlans[i]` runs
    /// once, before the body (PostgreSQL's InitPlan), and its single value (NULL when it has no
    /// row, an error when it has more) replaces the parameter. An init plan may use the
    /// parameters of the init plans before it. Planning runs none of them, so `--explain` is free.
    case withInitPlans(LogicalPlan, initPlans: [LogicalPlan])

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
            func nullable(_ s: Schema) -> [Field] { s.fields.map { Field($0.name, $0.type, nullable: true) } }
            switch kind {
            case .leftSemi, .leftAnti: return l
            case .rightSemi, .rightAnti: return try right.schema()
            case .inner: return Schema(l.fields + (try right.schema()).fields)
            case .leftOuter: return Schema(l.fields + nullable(try right.schema()))
            case .rightOuter: return Schema(nullable(l) + (try right.schema()).fields)
            case .fullOuter: return Schema(nullable(l) + nullable(try right.schema()))
            }
        case .unionAll(let inputs): return try inputs[0].schema()
        case .withInitPlans(let body, _): return try body.schema()
        }
    }

    /// The plan's inputs, in order (a join's left then right; init plans before the body).
    public var children: [LogicalPlan] {
        switch self {
        case .scan, .values: []
        case .filter(let input, _), .project(let input, _, _), .aggregate(let input, _, _, _), .aggregateBelowJoin(let input, _, _, _),
             .sort(let input, _), .topN(let input, _, _, _), .limit(let input, _, _):
            [input]
        case .join(let left, let right, _, _, _, _): [left, right]
        case .unionAll(let inputs): inputs
        case .withInitPlans(let body, let initPlans): initPlans + [body]
        }
    }

    /// The same node over its inputs rewritten by `f` (for rules that only act on some nodes).
    public func mapChildren(_ f: (LogicalPlan) throws -> LogicalPlan) rethrows -> LogicalPlan {
        switch self {
        case .scan, .values: self
        case .filter(let input, let p): .filter(try f(input), p)
        case .project(let input, let e, let s): .project(try f(input), e, s)
        case .aggregate(let input, let k, let n, let a): .aggregate(try f(input), keys: k, keyNames: n, aggregates: a)
        case .aggregateBelowJoin(let input, let k, let n, let a): .aggregateBelowJoin(try f(input), keys: k, keyNames: n, aggregates: a)
        case .join(let l, let r, let kind, let lk, let rk, let residual):
            .join(try f(l), try f(r), kind, leftKeys: lk, rightKeys: rk, residual: residual)
        case .sort(let input, let keys): .sort(try f(input), keys)
        case .topN(let input, let keys, let limit, let offset): .topN(try f(input), keys, limit: limit, offset: offset)
        case .limit(let input, let limit, let offset): .limit(try f(input), limit: limit, offset: offset)
        case .unionAll(let inputs): .unionAll(try inputs.map(f))
        case .withInitPlans(let body, let initPlans): .withInitPlans(try f(body), initPlans: try initPlans.map(f))
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
