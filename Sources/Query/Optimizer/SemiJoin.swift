import QueryKernels

/// Which side of a semi or anti join (`EXISTS`, `IN`, `NOT IN`, `LEFT SEMI/ANTI JOIN`) the hash
/// table is built on: the subquery's side normally (a left semi/anti join probing it with the
/// outer rows), the outer side when it is the smaller one (a right semi/anti join: the
/// subquery's rows probe it, marking the outer rows they match, which come out at the end) —
/// as for `o_orderdate` in a quarter against all late lineitems in TPC-H Q4.
enum SemiJoin {
    /// `residual` is over the outer row's columns followed by the inner row's; `innerKeys`
    /// already have the outer keys' types.
    static func plan(_ outer: LogicalPlan, _ inner: LogicalPlan, anti: Bool, outerKeys: [PhysicalExpression],
                     innerKeys: [PhysicalExpression], residual: PhysicalExpression? = nil) throws -> LogicalPlan {
        guard Cardinality.estimate(outer) < Cardinality.estimate(inner) else {
            return .join(outer, inner, anti ? .leftAnti : .leftSemi, leftKeys: outerKeys, rightKeys: innerKeys, residual: residual)
        }
        let outerWidth = try outer.schema().fields.count, innerWidth = try inner.schema().fields.count
        var swapped: [Int: Int] = [:]  // the residual over the inner row then the outer row
        for o in 0..<outerWidth { swapped[o] = innerWidth + o }
        for i in 0..<innerWidth { swapped[outerWidth + i] = i }
        return .join(inner, outer, anti ? .rightAnti : .rightSemi, leftKeys: innerKeys, rightKeys: outerKeys,
                     residual: residual?.remapped(swapped))
    }
}
