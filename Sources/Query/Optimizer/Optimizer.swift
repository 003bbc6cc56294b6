/// Rewrites applied to every bound plan, in order (one file per rule).
public enum Optimizer {
    public static func optimize(_ plan: LogicalPlan) -> LogicalPlan {
        var plan = plan
        plan = FilterIntoScan.apply(plan)
        plan = ColumnPruning.apply(plan)
        plan = AggregateBelowJoin.apply(plan)
        return plan
    }
}
