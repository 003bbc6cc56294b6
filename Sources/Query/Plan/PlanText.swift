import Columnar
import QueryKernels

/// `--explain`: the plan as an indented tree.
enum PlanText {
    static func render(_ plan: LogicalPlan, depth: Int = 0) throws -> String {
        let pad = String(repeating: "  ", count: depth)
        func child(_ p: LogicalPlan) throws -> String { try render(p, depth: depth + 1) }
        switch plan {
        case .scan(let table, let source, let columns, let filter, let pruning):
            let names = columns.map { source.schema.fields[$0].name }.joined(separator: ", ")
            var line = "\(pad)Scan \(table) [\(names)]"
            if let filter { line += " filter: \(filter)" }
            if !pruning.isEmpty { line += " prune row groups on \(pruning.count) predicate(s)" }
            if case .external(let t) = source {
                let pushed = ExternalEquality.pushable(filter, columns: columns, table: t.table)
                if !pushed.isEmpty { line += " " + t.table.describePushdown(pushed) }
            }
            return line + "\n"
        case .values(let batch): return "\(pad)Values (\(batch.rowCount) row)\n"
        case .filter(let input, let e): return "\(pad)Filter \(e)\n" + (try child(input))
        case .project(let input, let es, let schema):
            return "\(pad)Project " + zip(schema.fields, es).map { "\($0.name) := \($1)" }.joined(separator: ", ") + "\n" + (try child(input))
        case .aggregate(let input, let keys, _, let specs):
            return "\(pad)HashAggregate keys: [\(keys.map(\.description).joined(separator: ", "))] aggregates: [\(specs.map(\.name).joined(separator: ", "))]\n" + (try child(input))
        case .aggregateBelowJoin(let input, let keys, _, let specs):
            return "\(pad)HashAggregate keys: [\(keys.map(\.description).joined(separator: ", "))] aggregates: [\(specs.map(\.name).joined(separator: ", "))] (below the join when its build keys are unique)\n" + (try child(input))
        case .join(let l, let r, let kind, let lk, let rk, let residual):
            return "\(pad)HashJoin \(kind.rawValue) on \(zip(lk, rk).map { "\($0) = \($1)" }.joined(separator: " AND "))"
                + (residual.map { " AND \($0)" } ?? "") + "\n" + (try child(l)) + (try child(r))
        case .sort(let input, let keys): return "\(pad)Sort \(keys.map { "\($0.expression) \($0.ascending ? "ASC" : "DESC")" }.joined(separator: ", "))\n" + (try child(input))
        case .topN(let input, let keys, let limit, let offset):
            return "\(pad)TopN \(limit) offset \(offset) by \(keys.map { "\($0.expression) \($0.ascending ? "ASC" : "DESC")" }.joined(separator: ", "))\n" + (try child(input))
        case .limit(let input, let limit, let offset):
            return "\(pad)Limit \(limit.map(String.init) ?? "all") offset \(offset)\n" + (try child(input))
        case .unionAll(let inputs): return "\(pad)UnionAll\n" + (try inputs.map(child).joined())
        case .withInitPlans(let body, let initPlans):
            // Each init plan runs once before the body; `$i` in the body is its value.
            let headers = try initPlans.enumerated().map { "\(pad)InitPlan $\($0.offset)\n" + (try child($0.element)) }
            return headers.joined() + (try render(body, depth: depth))
        }
    }
}
