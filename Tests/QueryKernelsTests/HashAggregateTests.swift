import Columnar
import Testing
@testable import QueryKernels

private let trips = TestTable([
    ("k", .string(["a", "b", nil, "a", "b", nil, "c", "a"])),
    ("g", .int([1, 2, 1, nil, 2, nil, 3, 1])),
    ("v", .int([10, nil, 30, 40, 9_223_372_036_854_775_807, 60, nil, 10])),
    ("x", .double([1.5, .nan, nil, -2.0, 4.0, 0.5, nil, 1.5])),
    ("d", .decimal(["1.10", "2.20", nil, "-3.30", "4.40", "5.50", nil, "1.10"], 10, 2)),
    ("c", .int([nil, nil, nil, nil, nil, nil, 7, nil])),
])

private func agg(_ f: AggregateFunction, _ col: String?, distinct: Bool = false) -> AggregateSpec {
    AggregateSpec(f, col.map { trips.column($0) }, distinct: distinct, name: "\(f.rawValue)_\(col ?? "star")")
}

private let specs: [(String, AggregateSpec)] = [
    ("count(*)", agg(.countStar, nil)), ("count(v)", agg(.count, "v")), ("count(DISTINCT x)", agg(.count, "x", distinct: true)),
    ("sum(v)", agg(.sum, "v")), ("sum(x)", agg(.sum, "x")), ("sum(d)", agg(.sum, "d")), ("sum(c)", agg(.sum, "c")),
    ("avg(v)", agg(.avg, "v")), ("avg(x)", agg(.avg, "x")), ("avg(d)", agg(.avg, "d")),
    ("min(x)", agg(.min, "x")), ("max(x)", agg(.max, "x")), ("min(k)", agg(.min, "k")), ("max(d)", agg(.max, "d")), ("max(c)", agg(.max, "c")),
    ("stddev_samp(d)", agg(.stddevSamp, "d")), ("var_samp(x)", agg(.varSamp, "x")),
]

/// Groups ordered by their key text so both sides line up.
private func sorted(_ rows: [[String?]]) -> [[String?]] {
    rows.sorted { a, b in a.map { $0 ?? "\u{10FFFF}" }.lexicographicallyPrecedes(b.map { $0 ?? "\u{10FFFF}" }) }
}

@Test func groupedAggregatesMatchDuckDB() throws {
    let sql = "SELECT k, g, " + specs.map(\.0).joined(separator: ", ") + " FROM \(trips.sql) GROUP BY k, g"
    guard case .rows(let expected) = try DuckDBOracle.run([sql])[0] else { Issue.record("DuckDB failed"); return }
    // sum(v) overflows BIGINT in one group but not HUGEINT: DuckDB returns it, so must we.
    var whole = try HashAggregate(keys: [trips.column("k"), trips.column("g")], keyNames: ["k", "g"], aggregates: specs.map(\.1))
    try whole.consume(trips.batch)
    #expect(Render.same(sorted(Render.rows(whole.finish())), sorted(expected)))

    // Partial aggregates per morsel, merged, give the same result.
    var merged = try HashAggregate(keys: [trips.column("k"), trips.column("g")], keyNames: ["k", "g"], aggregates: specs.map(\.1))
    for range in [0..<3, 3..<5, 5..<8] {
        var part = try HashAggregate(keys: [trips.column("k"), trips.column("g")], keyNames: ["k", "g"], aggregates: specs.map(\.1))
        try part.consume(trips.batch.slice(range))
        try merged.merge(part)
    }
    #expect(Render.same(sorted(Render.rows(merged.finish())), sorted(expected)))
}

/// The aggregate-below-join path: partial groups by (k, g) folded into groups by k, the g = 3
/// groups dropped (as unmatched rows of an inner join are), equal grouping by k directly.
@Test func regroupedPartialsMatchCoarserGrouping() throws {
    let sql = "SELECT k, " + specs.map(\.0).joined(separator: ", ") + " FROM \(trips.sql) WHERE g IS DISTINCT FROM 3 GROUP BY k"
    guard case .rows(let expected) = try DuckDBOracle.run([sql])[0] else { Issue.record("DuckDB failed"); return }
    var fine = try HashAggregate(keys: [trips.column("k"), trips.column("g")], keyNames: ["k", "g"], aggregates: specs.map(\.1))
    try fine.consume(trips.batch)
    let keys = fine.keyColumns()
    guard case .int64(let g) = keys[1].values else { Issue.record("g keys are not int64"); return }
    let kept = (0..<fine.groupCount).filter { !(g[$0] == 3 && keys[1].validity?[$0] != false) }.map { Int32($0) }
    let batch = RecordBatch(schema: Schema([Field("k", keys[0].type), Field("g", keys[1].type)]),
                            columns: keys.map { $0.take(kept) }, rowCount: kept.count)
    var coarse = try HashAggregate(keys: [.column(0, .string)], keyNames: ["k"], aggregates: specs.map(\.1))
    try coarse.mergeRegrouped(fine, keysFrom: batch, sourceGroups: kept)
    #expect(Render.same(sorted(Render.rows(coarse.finish())), sorted(expected)))

    // A partial group named by two rows would be counted twice: refused.
    let twice = RecordBatch(schema: batch.schema, columns: keys.map { $0.take([0, 0]) }, rowCount: 2)
    var other = try HashAggregate(keys: [.column(0, .string)], keyNames: ["k"], aggregates: specs.map(\.1))
    #expect(throws: QueryError.self) { try other.mergeRegrouped(fine, keysFrom: twice, sourceGroups: [0, 0]) }
}

@Test func globalAggregateOverNoRowsHasOneRow() throws {
    let sql = "SELECT " + specs.map(\.0).joined(separator: ", ") + " FROM \(trips.sql) WHERE g > 100"
    guard case .rows(let expected) = try DuckDBOracle.run([sql])[0] else { Issue.record("DuckDB failed"); return }
    var a = try HashAggregate(keys: [], keyNames: [], aggregates: specs.map(\.1))
    try a.consume(try ExpressionEvaluator.filter(trips.batch, .compare(.greater, trips.column("g"), .literal(.int64(100)))))
    #expect(Render.same(Render.rows(a.finish()), expected))

    let sqlAll = "SELECT " + specs.map(\.0).joined(separator: ", ") + " FROM \(trips.sql)"
    guard case .rows(let all) = try DuckDBOracle.run([sqlAll])[0] else { Issue.record("DuckDB failed"); return }
    var b = try HashAggregate(keys: [], keyNames: [], aggregates: specs.map(\.1))
    try b.consume(trips.batch)
    #expect(Render.same(Render.rows(b.finish()), all))
}

@Test func aggregateMemoryIsCharged() throws {
    let budget = MemoryBudget(limit: 100)
    var a = try HashAggregate(keys: [trips.column("k")], keyNames: ["k"], aggregates: [agg(.countStar, nil)], budget: budget)
    #expect(throws: QueryError(.memoryLimit, "")) { try a.consume(trips.batch) }
}
