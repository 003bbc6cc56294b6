import Columnar
import Testing
@testable import QueryKernels

private let left = TestTable([
    ("lid", .int([0, 1, 2, 3, 4, 5])),
    ("k", .int([1, 2, nil, 3, 1, 9])),
    ("s", .string(["a", "b", "c", nil, "a", "z"])),
])
private let right = TestTable([
    ("rid", .int([10, 11, 12, 13, 14])),
    ("rk", .int([1, 1, 3, nil, 4])),
    ("rs", .string(["a", "x", nil, "c", "a"])),
])

@Test func hashJoinsMatchDuckDB() throws {
    let cases: [(JoinKind, String, [PhysicalExpression], [PhysicalExpression])] = [
        (.inner, "SELECT lid, rid FROM \(left.sql) JOIN \(right.sql.replacingOccurrences(of: ") t(", with: ") r(")) ON k = rk", [left.column("k")], [right.column("rk")]),
        (.leftOuter, "SELECT lid, rid FROM \(left.sql) LEFT JOIN \(right.sql.replacingOccurrences(of: ") t(", with: ") r(")) ON k = rk", [left.column("k")], [right.column("rk")]),
        (.inner, "SELECT lid, rid FROM \(left.sql) JOIN \(right.sql.replacingOccurrences(of: ") t(", with: ") r(")) ON k = rk AND s = rs", [left.column("k"), left.column("s")], [right.column("rk"), right.column("rs")]),
        (.leftSemi, "SELECT lid, NULL FROM \(left.sql) WHERE EXISTS (SELECT 1 FROM \(right.sql.replacingOccurrences(of: ") t(", with: ") r(")) WHERE rk = k)", [left.column("k")], [right.column("rk")]),
        (.leftAnti, "SELECT lid, NULL FROM \(left.sql) WHERE NOT EXISTS (SELECT 1 FROM \(right.sql.replacingOccurrences(of: ") t(", with: ") r(")) WHERE rk = k)", [left.column("k")], [right.column("rk")]),
    ]
    let outcomes = try DuckDBOracle.run(cases.map { $0.1 + " ORDER BY 1, 2" })
    for (c, expected) in zip(cases, outcomes) {
        var join = try HashJoin(kind: c.0, probeKeys: c.2, buildKeys: c.3)
        try join.addBuild(right.batch.slice(0..<2))
        try join.addBuild(right.batch.slice(2..<5))
        try join.finishBuild(schema: right.batch.schema)
        let out = try join.probe(left.batch.slice(0..<3)).rowsOf(c.0) + join.probe(left.batch.slice(3..<6)).rowsOf(c.0)
        let sorted = out.sorted { ($0[0]!, $0[1] ?? "") < ($1[0]!, $1[1] ?? "") }
        #expect(expected == .rows(sorted), "\(c.1)")
    }
}

extension RecordBatch {
    /// (lid, rid) rows; rid is NULL for semi/anti joins.
    fileprivate func rowsOf(_ kind: JoinKind) -> [[String?]] {
        (0..<rowCount).map { i in [Render.cell(columns[0], i), kind == .leftSemi || kind == .leftAnti ? nil : Render.cell(columns[3], i)] }
    }
}
