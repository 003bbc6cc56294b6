import Columnar
import Testing
@testable import QueryKernels

private let table = TestTable([
    ("id", .int([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])),
    ("g", .int([2, 1, nil, 2, 1, nil, 3, 2, 1, 3])),
    ("x", .double([1.5, .nan, nil, -.infinity, 0, -0.0, .infinity, 2, .nan, -1])),
    ("s", .string(["b", "a", "B", nil, "", "ab", "a", nil, "b", "é"])),
])

private func key(_ name: String, _ asc: Bool = true, nullsFirst: Bool = false) -> SortKey {
    SortKey(table.column(name), ascending: asc, nullsFirst: nullsFirst)
}

private let orders: [(String, [SortKey])] = [
    ("x, id", [key("x"), key("id")]),
    ("x DESC, id", [key("x", false), key("id")]),
    ("g NULLS FIRST, s DESC, id", [key("g", nullsFirst: true), key("s", false), key("id")]),
    ("s, id", [key("s"), key("id")]),
    ("g DESC, x, id", [key("g", false), key("x"), key("id")]),
]

@Test func sortMatchesDuckDB() throws {
    let outcomes = try DuckDBOracle.run(orders.map { "SELECT id FROM \(table.sql) ORDER BY \($0.0)" })
    for ((sql, keys), expected) in zip(orders, outcomes) {
        // In memory, and spilled: a 1-byte limit makes every batch a run of its own, merged at the end.
        for budget in [nil, MemoryBudget(limit: 1)] {
            var sort = Sort(keys: keys, schema: table.batch.schema, budget: budget)
            for r in [0..<4, 4..<5, 5..<10] { try sort.consume(table.batch.slice(r)) }
            #expect(sort.spilledRuns == (budget == nil ? 0 : 3))
            let out = try Concatenate.batches(try sort.finish(), schema: table.batch.schema)
            #expect(expected == .rows(out.columns[0].int64Cells), "\(sql)\(budget == nil ? "" : " (spilled)")")
        }
    }
}

@Test func topNAndLimitMatchDuckDB() throws {
    let outcomes = try DuckDBOracle.run(orders.map { "SELECT id FROM \(table.sql) ORDER BY \($0.0) LIMIT 3 OFFSET 2" })
    for ((sql, keys), expected) in zip(orders, outcomes) {
        var top = TopN(keys: keys, schema: table.batch.schema, limit: 3, offset: 2)
        for r in [0..<3, 3..<7, 7..<10] { try top.consume(table.batch.slice(r)) }
        #expect(expected == .rows(try top.finish().columns[0].int64Cells), "\(sql)")
    }
    var limit = Limit(limit: 4, offset: 3)
    var ids: [[String?]] = []
    for r in [0..<2, 2..<5, 5..<10] where !limit.isFinished { ids += limit.consume(table.batch.slice(r)).columns[0].int64Cells }
    #expect(ids == [["3"], ["4"], ["5"], ["6"]])
    var empty = TopN(keys: [key("id")], schema: table.batch.schema, limit: 3)
    #expect(try empty.finish().rowCount == 0)
}

extension Column {
    var int64Cells: [[String?]] { (0..<count).map { [Render.cell(self, $0)] } }
}
