import Columnar
import QueryKernels

/// What `x NOT IN (subquery)` must know of the subquery besides its values, as one init-plan
/// value: 0 when it has no row (NOT IN is then true, even for a NULL x), 1 when it has rows and
/// no NULL (true where x is not NULL and not among them: an anti join), 2 when a NULL is among
/// them (never true).
enum NotInShape {
    static func plan(_ subquery: LogicalPlan) throws -> LogicalPlan {
        let type = try subquery.schema().fields[0].type
        let counts = LogicalPlan.aggregate(subquery, keys: [], keyNames: [], aggregates: [
            AggregateSpec(.countStar, name: "rows"), AggregateSpec(.count, .column(0, type), name: "values"),
        ])
        let rows = PhysicalExpression.column(0, .int64), values = PhysicalExpression.column(1, .int64)
        let shape = PhysicalExpression.caseWhen([
            CaseBranch(when: .compare(.equal, rows, .literal(.int64(0))), then: .literal(.int64(0))),
            CaseBranch(when: .compare(.less, values, rows), then: .literal(.int64(2))),
        ], otherwise: .literal(.int64(1)))
        return .project(counts, [shape], Schema([Field("not_in_shape", .int64)]))
    }

    /// The condition that, after the anti join on the values, keeps exactly the rows NOT IN
    /// keeps; `shape` is the parameter of `plan`'s value.
    static func condition(_ shape: PhysicalExpression, operand: PhysicalExpression) -> PhysicalExpression {
        .or(.compare(.equal, shape, .literal(.int64(0))),
            .and(.compare(.equal, shape, .literal(.int64(1))), .isNotNull(operand)))
    }
}
