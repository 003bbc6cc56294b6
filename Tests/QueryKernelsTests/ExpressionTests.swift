import Columnar
import Testing
@testable import QueryKernels

/// Each case: DuckDB SQL over the table, and the same expression in our IR.
private func check(_ table: TestTable, _ cases: [(String, PhysicalExpression)], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let outcomes = try DuckDBOracle.run(cases.map { "SELECT \($0.0) FROM \(table.sql)" })
    #expect(outcomes.count == cases.count, sourceLocation: sourceLocation)
    for (c, expected) in zip(cases, outcomes) {
        switch expected {
        case .rows(let rows):
            do {
                let col = try ExpressionEvaluator.evaluate(c.1, on: table.batch)
                let got = (0..<col.count).map { [Render.cell(col, $0)] }
                #expect(Render.same(got, rows), "\(c.0): got \(got), DuckDB \(rows)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("\(c.0): threw \(error), DuckDB gave \(rows)", sourceLocation: sourceLocation)
            }
        case .error(let message):
            #expect(throws: QueryError.self, "\(c.0): DuckDB failed with \(message)", sourceLocation: sourceLocation) {
                _ = try ExpressionEvaluator.evaluate(c.1, on: table.batch)
            }
        }
    }
}

private let numbers = TestTable([
    ("a", .int([1, -7, nil, 9_223_372_036_854_775_807, 0, 5])),
    ("b", .int([2, 3, 4, 1, nil, 0])),
    ("x", .double([1.5, -2.5, nil, .nan, 0, 2.5])),
    ("d", .decimal(["1.25", "-2.50", nil, "3.05", "0.00", "1.5"], 9, 2)),
    ("e", .decimal(["0.5", "1.0", "2.0", nil, "0.1", "0.0"], 4, 1)),
])

private func col(_ name: String) -> PhysicalExpression { numbers.column(name) }
private func int(_ v: Int64) -> PhysicalExpression { .literal(.int64(v)) }

@Test func integerArithmeticMatchesDuckDB() throws {
    // DuckDB errors on overflow and on integer // and % by zero; / is a double division.
    try check(numbers, [
        ("a + 1", .arithmetic(.add, col("a"), int(1))),
        ("b + 1", .arithmetic(.add, col("b"), int(1))),
        ("b - a", .arithmetic(.subtract, col("b"), col("a"))),
        ("b * 3", .arithmetic(.multiply, col("b"), int(3))),
        ("a * 2", .arithmetic(.multiply, col("a"), int(2))),
        ("a / 2", .arithmetic(.divide, col("a"), int(2))),
        ("a // 2", .arithmetic(.integerDivide, col("a"), int(2))),
        ("a % 3", .arithmetic(.modulo, col("a"), int(3))),
        ("a // b", .arithmetic(.integerDivide, col("a"), col("b"))),
        ("a % b", .arithmetic(.modulo, col("a"), col("b"))),
        ("a / b", .arithmetic(.divide, col("a"), col("b"))),
        ("b // 0", .arithmetic(.integerDivide, col("b"), int(0))),
        ("-b", .negate(col("b"))),
        ("NULL + b", .arithmetic(.add, .literal(.null), col("b"))),
    ])
}

@Test func doubleAndDecimalArithmeticMatchesDuckDB() throws {
    try check(numbers, [
        ("x + b", .arithmetic(.add, col("x"), col("b"))),
        ("x / 0", .arithmetic(.divide, col("x"), int(0))),
        ("x % 2", .arithmetic(.modulo, col("x"), int(2))),
        ("d + e", .arithmetic(.add, col("d"), col("e"))),
        ("d - e", .arithmetic(.subtract, col("d"), col("e"))),
        ("d * e", .arithmetic(.multiply, col("d"), col("e"))),
        ("d / e", .arithmetic(.divide, col("d"), col("e"))),
        ("d % e", .arithmetic(.modulo, col("d"), col("e"))),
        ("d + b", .arithmetic(.add, col("d"), col("b"))),
        ("d * x", .arithmetic(.multiply, col("d"), col("x"))),
    ])
}

@Test func comparisonsAndLogicMatchDuckDB() throws {
    let t = TestTable([
        ("p", .bool([true, true, true, false, false, false, nil, nil, nil])),
        ("q", .bool([true, false, nil, true, false, nil, true, false, nil])),
        ("a", .int([1, 2, 3, nil, 5, 6, 7, 8, 9])),
        ("x", .double([1, .nan, -0.0, 0, nil, .infinity, 2, 3, .nan])),
        ("s", .string(["a", "b", nil, "abc", "B", "", "a%b", "xyz", "Ab"])),
    ])
    func c(_ n: String) -> PhysicalExpression { t.column(n) }
    try check(t, [
        ("p AND q", .and(c("p"), c("q"))),
        ("p OR q", .or(c("p"), c("q"))),
        ("NOT p", .not(c("p"))),
        ("p IS NULL", .isNull(c("p"))),
        ("q IS NOT NULL", .isNotNull(c("q"))),
        ("p IS DISTINCT FROM q", .isDistinctFrom(c("p"), c("q"), negated: false)),
        ("p IS NOT DISTINCT FROM q", .isDistinctFrom(c("p"), c("q"), negated: true)),
        ("a < 5", .compare(.less, c("a"), int(5))),
        ("a >= x", .compare(.greaterOrEqual, c("a"), c("x"))),
        ("x = 'nan'::DOUBLE", .compare(.equal, c("x"), .literal(.double(.nan)))),
        ("x > 1e308", .compare(.greater, c("x"), .literal(.double(1e308)))),
        ("x = 0", .compare(.equal, c("x"), int(0))),
        ("s < 'b'", .compare(.less, c("s"), .literal(.string("b")))),
        ("s <> 'a'", .compare(.notEqual, c("s"), .literal(.string("a")))),
        ("a BETWEEN 2 AND 6", .between(c("a"), low: int(2), high: int(6), negated: false)),
        ("a NOT BETWEEN 2 AND 6", .between(c("a"), low: int(2), high: int(6), negated: true)),
        ("a IN (1, 5, NULL)", .inList(c("a"), [int(1), int(5), .literal(.null)], negated: false)),
        ("a NOT IN (1, 5)", .inList(c("a"), [int(1), int(5)], negated: true)),
        ("a NOT IN (1, NULL)", .inList(c("a"), [int(1), .literal(.null)], negated: true)),
        ("s IN ('a', 'B')", .inList(c("s"), [.literal(.string("a")), .literal(.string("B"))], negated: false)),
        ("s LIKE 'a%'", .like(c("s"), try LikePattern("a%"), negated: false)),
        ("s LIKE '%b'", .like(c("s"), try LikePattern("%b"), negated: false)),
        ("s LIKE '_b%'", .like(c("s"), try LikePattern("_b%"), negated: false)),
        ("s NOT LIKE '%b%'", .like(c("s"), try LikePattern("%b%"), negated: true)),
        ("s LIKE 'a\\%b' ESCAPE '\\'", .like(c("s"), try LikePattern("a\\%b", escape: "\\"), negated: false)),
        ("s ILIKE 'a%'", .like(c("s"), try LikePattern("a%", caseInsensitive: true), negated: false)),
        ("s LIKE ''", .like(c("s"), try LikePattern(""), negated: false)),
        ("s LIKE 'a%b%c'", .like(c("s"), try LikePattern("a%b%c"), negated: false)),
    ])
}

@Test func caseCoalesceAndCastMatchDuckDB() throws {
    try check(numbers, [
        ("CASE WHEN b <> 0 THEN a // b ELSE -1 END",
         .caseWhen([CaseBranch(when: .compare(.notEqual, col("b"), int(0)), then: .arithmetic(.integerDivide, col("a"), col("b")))], otherwise: int(-1))),
        ("CASE WHEN a > 1 THEN 'big' WHEN a < 0 THEN 'neg' END",
         .caseWhen([CaseBranch(when: .compare(.greater, col("a"), int(1)), then: .literal(.string("big"))),
                    CaseBranch(when: .compare(.less, col("a"), int(0)), then: .literal(.string("neg")))], otherwise: nil)),
        ("CASE WHEN x > 0 THEN d ELSE b END",
         .caseWhen([CaseBranch(when: .compare(.greater, col("x"), int(0)), then: col("d"))], otherwise: col("b"))),
        ("coalesce(b, a, 0)", .coalesce([col("b"), col("a"), int(0)])),
        ("coalesce(NULL, x)", .coalesce([.literal(.null), col("x")])),
        ("CAST(x AS BIGINT)", .cast(col("x"), .int64)),
        ("CAST(a AS INTEGER)", .cast(col("a"), .int32)),
        ("CAST(b AS TINYINT)", .cast(col("b"), .int8)),
        ("CAST(d AS BIGINT)", .cast(col("d"), .int64)),
        ("CAST(d AS DOUBLE)", .cast(col("d"), .float64)),
        ("CAST(d AS DECIMAL(4,1))", .cast(col("d"), .decimal(precision: 4, scale: 1))),
        ("CAST(d AS DECIMAL(3,2))", .cast(col("d"), .decimal(precision: 3, scale: 2))),
        ("CAST(e AS DECIMAL(20,3))", .cast(col("e"), .decimal(precision: 20, scale: 3))),
        ("CAST(b AS VARCHAR)", .cast(col("b"), .string)),
        ("CAST(d AS VARCHAR)", .cast(col("d"), .string)),
        ("CAST(x AS DECIMAL(6,1))", .cast(col("x"), .decimal(precision: 6, scale: 1))),
    ])
    let s = TestTable([("s", .string([" 12 ", "1.5", "-3", nil, "2024-03-01", "1e3"]))])
    func c(_ n: String) -> PhysicalExpression { s.column(n) }
    try check(s, [
        ("CAST(s AS BIGINT)", .cast(c("s"), .int64)),
    ])
    let ok = TestTable([("s", .string([" 12 ", "1.5", "-3", nil, "1e3", "0.125"])),
                        ("t", .string(["2024-03-01", "2024-3-1", "1999-12-31 23:59:59.5", nil, "2024-02-29T01:02:03Z", "2000-01-01 00:00"]))])
    func o(_ n: String) -> PhysicalExpression { ok.column(n) }
    try check(ok, [
        ("CAST(s AS DOUBLE)", .cast(o("s"), .float64)),
        ("CAST(s AS DECIMAL(8,2))", .cast(o("s"), .decimal(precision: 8, scale: 2))),
        ("CAST(t AS TIMESTAMP)", .cast(o("t"), KernelType.timestamp)),
        ("CAST(CAST(t AS TIMESTAMP) AS DATE)", .cast(.cast(o("t"), KernelType.timestamp), .date)),
        ("CAST(CAST(t AS TIMESTAMP) AS VARCHAR)", .cast(.cast(o("t"), KernelType.timestamp), .string)),
    ])
}

@Test func scalarFunctionsMatchDuckDB() throws {
    let t = TestTable([
        ("s", .string(["hello", "  Héllo wörld  ", nil, "", "ABC", "x"])),
        ("n", .int([2, -3, 0, nil, 10, -1])),
        ("x", .double([2.5, -2.5, 1.2345, nil, -0.5, 1234.5678])),
        ("d", .decimal(["1.25", "-2.55", "0.05", nil, "9.99", "-0.50"], 6, 2)),
        ("ts", .timestamp(["2024-03-15 12:34:56.789", "1969-12-31 23:59:59.5", "2024-01-01 00:00", nil, "2023-12-31 23:00", "2000-02-29 06:07:08"])),
        ("dt", .date(["2024-03-15", "1969-12-31", "2024-01-01", nil, "2021-01-03", "2000-02-29"])),
    ])
    func c(_ n: String) -> PhysicalExpression { t.column(n) }
    func f(_ fn: ScalarFunction, _ args: PhysicalExpression...) -> PhysicalExpression { .function(fn, args) }
    var cases: [(String, PhysicalExpression)] = [
        ("abs(n)", f(.abs, c("n"))), ("abs(x)", f(.abs, c("x"))), ("abs(d)", f(.abs, c("d"))),
        ("round(x)", f(.round, c("x"))), ("round(x, 2)", f(.round, c("x"), int(2))), ("round(x, -2)", f(.round, c("x"), int(-2))),
        ("round(d)", f(.round, c("d"))), ("round(d, 1)", f(.round, c("d"), int(1))), ("round(n, -1)", f(.round, c("n"), int(-1))),
        ("floor(x)", f(.floor, c("x"))), ("ceil(x)", f(.ceil, c("x"))), ("floor(d)", f(.floor, c("d"))), ("ceil(d)", f(.ceil, c("d"))),
        ("lower(s)", f(.lower, c("s"))), ("upper(s)", f(.upper, c("s"))), ("length(s)", f(.length, c("s"))),
        ("trim(s)", f(.trim, c("s"))), ("ltrim(s)", f(.ltrim, c("s"))), ("rtrim(s)", f(.rtrim, c("s"))),
        ("substring(s, 2, 3)", f(.substring, c("s"), int(2), int(3))), ("substring(s, n)", f(.substring, c("s"), c("n"))),
        ("substring(s, n, 2)", f(.substring, c("s"), c("n"), int(2))), ("substring(s, 3, -2)", f(.substring, c("s"), int(3), int(-2))),
        ("concat(s, '-', n, NULL)", f(.concat, c("s"), .literal(.string("-")), c("n"), .literal(.null))),
    ]
    for unit in ["year", "quarter", "month", "week", "day", "hour", "minute", "second"] {
        let p = DatePart(rawValue: unit)!
        cases.append(("date_trunc('\(unit)', ts)", f(.dateTrunc(p), c("ts"))))
        cases.append(("date_trunc('\(unit)', dt)", f(.dateTrunc(p), c("dt"))))
    }
    for part in ["year", "quarter", "month", "week", "day", "hour", "minute", "second", "millisecond", "microsecond", "dow", "doy", "epoch"] {
        let p = DatePart(rawValue: part)!
        cases.append(("date_part('\(part)', ts)", f(.datePart(p), c("ts"))))
        cases.append(("date_part('\(part)', dt)", f(.datePart(p), c("dt"))))
    }
    try check(t, cases)
}

@Test func filterKeepsOnlyTrueRows() throws {
    let f = try ExpressionEvaluator.filter(numbers.batch, .compare(.greater, col("b"), int(1)))
    let outcomes = try DuckDBOracle.run(["SELECT a, b FROM \(numbers.sql) WHERE b > 1"])
    #expect(outcomes == [.rows(Render.rows(RecordBatch(schema: Schema(Array(f.schema.fields[0...1])), columns: Array(f.columns[0...1]))))])
}

@Test func malformedPatternsAndTypesThrow() {
    #expect(throws: QueryError.self) { _ = try LikePattern("abc\\", escape: "\\") }
    #expect(throws: QueryError.self) { _ = try ExpressionEvaluator.evaluate(.arithmetic(.add, col("a"), .literal(.string("x"))), on: numbers.batch) }
    #expect(throws: QueryError.self) { _ = try ExpressionEvaluator.evaluate(.column(99, .int64), on: numbers.batch) }
}
