import Columnar
import Testing
@testable import QueryKernels

// GROUP BY one or two integer-like keys takes `IntKeyTable`; these check it against DuckDB,
// including NULL keys (NULL is its own group, distinct from 0), bool/date/timestamp keys, and merge.
private let rides = TestTable([
    ("a", .int([1, 2, 1, nil, 2, nil, 0, 1, 0, -5])),
    ("b", .int([7, 7, nil, 7, 8, nil, 0, 7, nil, 9_223_372_036_854_775_807])),
    ("f", .bool([true, nil, false, true, true, nil, false, true, nil, false])),
    ("d", .date(["2024-01-01", nil, "2024-01-01", "1970-01-01", nil, "2024-01-02", "1970-01-01", "2024-01-01", nil, "2024-01-02"])),
    ("t", .timestamp(["2024-01-01 10:00:00", nil, "2024-01-01 10:00:00", "1970-01-01 00:00:00", nil, "2024-01-01 11:00:00", "2024-01-01 10:00:00", nil, nil, "1970-01-01 00:00:00"])),
    ("x", .double([1.5, 2.0, nil, -2.0, 4.0, 0.5, 3.0, 1.5, 8.0, -1.0])),
    ("v", .int([10, nil, 30, 40, 50, 60, nil, 10, 5, -7])),
])

private let aggregates: [(String, AggregateSpec)] = [
    ("count(*)", AggregateSpec(.countStar, name: "n")),
    ("count(v)", AggregateSpec(.count, rides.column("v"), name: "cv")),
    ("sum(v)", AggregateSpec(.sum, rides.column("v"), name: "sv")),
    ("sum(x)", AggregateSpec(.sum, rides.column("x"), name: "sx")),
    ("avg(v)", AggregateSpec(.avg, rides.column("v"), name: "av")),
    ("avg(x)", AggregateSpec(.avg, rides.column("x"), name: "ax")),
    ("min(v)", AggregateSpec(.min, rides.column("v"), name: "mv")),
    ("max(x)", AggregateSpec(.max, rides.column("x"), name: "mx")),
]

private func sorted(_ rows: [[String?]]) -> [[String?]] {
    rows.sorted { a, b in a.map { $0 ?? "\u{10FFFF}" }.lexicographicallyPrecedes(b.map { $0 ?? "\u{10FFFF}" }) }
}

@Test(arguments: [["a"], ["a", "b"], ["f"], ["d"], ["t"], ["f", "a"], ["d", "t"]])
func intKeyGroupsMatchDuckDB(_ keyNames: [String]) throws {
    let sql = "SELECT \(keyNames.joined(separator: ", ")), " + aggregates.map(\.0).joined(separator: ", ")
        + " FROM \(rides.sql) GROUP BY \(keyNames.joined(separator: ", "))"
    guard case .rows(let expected) = try DuckDBOracle.run([sql])[0] else { Issue.record("DuckDB failed"); return }
    let keys = keyNames.map { rides.column($0) }

    var whole = try HashAggregate(keys: keys, keyNames: keyNames, aggregates: aggregates.map(\.1))
    try whole.consume(rides.batch)
    #expect(Render.same(sorted(Render.rows(whole.finish())), sorted(expected)))

    var merged = try HashAggregate(keys: keys, keyNames: keyNames, aggregates: aggregates.map(\.1))
    for range in [0..<4, 4..<4, 4..<7, 7..<10] {
        var part = try HashAggregate(keys: keys, keyNames: keyNames, aggregates: aggregates.map(\.1))
        try part.consume(rides.batch.slice(range))
        try merged.merge(part)
    }
    #expect(Render.same(sorted(Render.rows(merged.finish())), sorted(expected)))
}

@Test func intKeyTableKeepsManyGroupsApart() {
    // Enough keys to grow the table several times; ids are dense and in insertion order.
    var table = IntKeyTable()
    let n = 50_000
    var a = [Int64](), b = [Int64]()
    for i in 0..<n { a.append(Int64(i % 300)); b.append(Int64(i / 300)) }
    var ids = [Int32](repeating: -1, count: n)
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            ids.withUnsafeMutableBufferPointer { table.groupIds(a, nil, b, nil, into: $0) }
        }
    }
    #expect(table.count == n)
    #expect(ids == (0..<n).map { Int32($0) })
    #expect(table.findOrInsert(Int64((n - 1) % 300), Int64((n - 1) / 300), 0) == (Int32(n - 1), false))
    #expect(table.findOrInsert(0, 0, 1).inserted)  // NULL first key differs from 0
}

@Test(arguments: [(1, 300), (2, 20), (2, 400)])
func denseKeyRangeGivesTheHashTablesIds(_ columns: Int, _ range: Int) {
    // Keys in a small range take the per-batch dense array; an all-true validity forces the hash
    // probe. Both must hand out the same ids in the same order, batch after batch.
    var rng = SystemRandomNumberGenerator()
    var dense = IntKeyTable(), hashed = IntKeyTable()
    let valid = [Bool](repeating: true, count: 5000)
    for _ in 0..<3 {
        let a = (0..<5000).map { _ in Int64.random(in: -5..<Int64(range - 5), using: &rng) }
        let b = (0..<5000).map { _ in Int64.random(in: 1_000_000..<Int64(1_000_000 + range), using: &rng) }
        var idsDense = [Int32](repeating: -1, count: 5000), idsHashed = idsDense
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                valid.withUnsafeBufferPointer { v in
                    idsDense.withUnsafeMutableBufferPointer { dense.groupIds(a, nil, columns == 2 ? b : nil, nil, into: $0) }
                    idsHashed.withUnsafeMutableBufferPointer { hashed.groupIds(a, v, columns == 2 ? b : nil, v, into: $0) }
                }
            }
        }
        #expect(idsDense == idsHashed)
    }
    #expect(dense.first == hashed.first && dense.second == hashed.second && dense.nulls == hashed.nulls)
}

@Test(arguments: [(false, 50), (true, 50), (false, 1 << 30), (true, 1 << 30)])
func int32KeysGroupAsTheirWidenedValues(_ withNulls: Bool, _ range: Int) throws {
    // int32 storage (int, date) is read in place; the groups must be those of the same values
    // stored as int64. Small ranges take the dense path, large ones the hash probe.
    var rng = SystemRandomNumberGenerator()
    let n = 3000
    let a = (0..<n).map { _ in Int32.random(in: Int32(-range / 2)..<Int32(range / 2), using: &rng) }
    let d = (0..<n).map { _ in Int32.random(in: -3..<3, using: &rng) }
    let valid: [Bool]? = withNulls ? (0..<n).map { _ in Int.random(in: 0..<10, using: &rng) > 0 } : nil
    let x = (0..<n).map { _ in Double.random(in: -1..<1, using: &rng) }
    func batch(wide: Bool) -> RecordBatch {
        let cols = [
            wide ? Column(type: .int64, values: .int64(a.map { Int64($0) }), validity: valid)
                 : Column(type: .int32, values: .int32(a), validity: valid),
            wide ? Column(type: .date, values: .int64(d.map { Int64($0) }), validity: nil)
                 : Column(type: .date, values: .int32(d), validity: nil),
            Column(type: .float64, values: .float64(x), validity: nil),
        ]
        let schema = Schema([Field("a", cols[0].type), Field("d", .date), Field("x", .float64)])
        return RecordBatch(schema: schema, columns: cols, rowCount: n)
    }
    func groups(wide: Bool) throws -> [[String?]] {
        let b = batch(wide: wide)
        let keys: [PhysicalExpression] = [.column(0, b.schema.fields[0].type), .column(1, .date)]
        var agg = try HashAggregate(keys: keys, keyNames: ["a", "d"], aggregates: [
            AggregateSpec(.countStar, name: "n"), AggregateSpec(.sum, .column(2, .float64), name: "s"),
        ])
        try agg.consume(b.slice(0..<n / 2))
        try agg.consume(b.slice(n / 2..<n))
        return Render.rows(agg.finish())
    }
    #expect(try groups(wide: false) == groups(wide: true))
}

@Test func laneCountsEqualRowByRowCounts() {
    var rng = SystemRandomNumberGenerator()
    for (groups, n) in [(1, 4), (3, 1001), (5, 4099), (256, 2000), (300, 5000)] {
        let gid = (0..<n).map { _ in Int32.random(in: 0..<Int32(groups), using: &rng) }
        let valid = (0..<n).map { _ in Bool.random(using: &rng) }
        for v in [nil, valid] {
            var want = [Int64](repeating: 7, count: groups)
            for i in 0..<n where v?[i] ?? true { want[Int(gid[i])] += 1 }
            var got = [Int64](repeating: 7, count: groups)
            countRows(into: &got, gid, v)
            #expect(got == want, "groups \(groups), rows \(n)")
        }
    }
}
