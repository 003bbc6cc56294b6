import Columnar
import Testing
@testable import QueryKernels

// `column op literal` compares against the one value; it must give exactly what comparing against
// the literal broadcast to a column gives (coalesce(literal) is not a literal, so it takes that path).
private let readings = TestTable([
    ("a", .int([1, 2, 3, nil, 5, -6, 7, 0, 9_223_372_036_854_775_807])),
    ("x", .double([1, .nan, -0.0, 0, nil, .infinity, 2.5, -.infinity, 5])),
    ("d", .decimal(["1.10", "2.20", nil, "-3.30", "4.40", "5.50", "0.00", "1.1", "2.5"], 10, 2)),
    ("t", .timestamp(["2024-03-01 00:00:00", nil, "2024-02-29 23:59:59", "2024-04-01 00:00:00", "2024-03-15 12:00:00", "1970-01-01 00:00:00", "2024-03-31 23:59:59", nil, "2024-03-01 00:00:01"])),
    ("s", .string(["a", "b", nil, "abc", "B", "", "a%b", "xyz", "Ab"])),
])

private let literals: [(String, ScalarValue)] = [
    ("a", .int64(5)), ("a", .double(2.5)), ("a", .decimal(250, precision: 3, scale: 2)),
    ("x", .int64(0)), ("x", .double(.nan)), ("x", .double(-0.0)), ("x", .double(2.5)), ("x", .double(.infinity)), ("x", .double(-.infinity)),
    ("d", .decimal(110, precision: 3, scale: 2)), ("d", .int64(2)), ("d", .double(1.1)),
    ("t", .timestamp(1_709_251_200_000_000)), ("s", .string("abc")),
]

@Test func literalComparisonsEqualBroadcastComparisons() throws {
    let ops: [ComparisonOperator] = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
    for (name, value) in literals {
        let column = readings.column(name)
        for op in ops {
            for literalOnLeft in [false, true] {
                let lit = PhysicalExpression.literal(value), wrapped = PhysicalExpression.coalesce([.literal(value)])
                let fast: PhysicalExpression = literalOnLeft ? .compare(op, lit, column) : .compare(op, column, lit)
                let slow: PhysicalExpression = literalOnLeft ? .compare(op, wrapped, column) : .compare(op, column, wrapped)
                let got = try ExpressionEvaluator.evaluate(fast, on: readings.batch)
                let want = try ExpressionEvaluator.evaluate(slow, on: readings.batch)
                #expect(Render.rows(RecordBatch(schema: Schema([Field("r", got.type)]), columns: [got], rowCount: got.count))
                        == Render.rows(RecordBatch(schema: Schema([Field("r", want.type)]), columns: [want], rowCount: want.count)),
                        "\(name) \(op.rawValue) \(value), literal on the left: \(literalOnLeft)")
            }
        }
    }
}

@Test func literalComparisonOverNoRowsAndNullLiteral() throws {
    let empty = readings.batch.slice(0..<0)
    let r = try ExpressionEvaluator.evaluate(.compare(.less, readings.column("a"), .literal(.int64(3))), on: empty)
    #expect(r.count == 0)
    let n = try ExpressionEvaluator.evaluate(.compare(.less, readings.column("a"), .literal(.null)), on: readings.batch)
    #expect(n.validity == [Bool](repeating: false, count: readings.batch.rowCount))
}
