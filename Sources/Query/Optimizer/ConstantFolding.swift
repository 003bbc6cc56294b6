import Columnar
import QueryKernels

/// Subexpressions that read no column — `0.06 - 0.01`, `CAST('1994-01-01' AS DATE)`, a literal
/// cast to its column's type — computed once while binding instead of once per row. A
/// subexpression whose evaluation fails (a division by zero) or whose value would not keep its
/// exact type as a literal is left as written, so errors and types are those of the query.
enum ConstantFolding {
    private static let oneRow = RecordBatch(schema: Schema([]), columns: [], rowCount: 1)

    static func fold(_ e: PhysicalExpression) -> PhysicalExpression {
        e.transformed { node in
            switch node {
            case .column, .literal, .parameter: return node
            default: break
            }
            guard node.columnsUsed.isEmpty, !node.isVolatile,
                  let type = try? ExpressionEvaluator.resultType(of: node, schema: Schema([])),
                  let column = try? ExpressionEvaluator.evaluate(node, on: oneRow), column.count == 1
            else { return node }
            let value = ScalarValue(column, row: 0)
            guard (try? ExpressionEvaluator.resultType(of: .literal(value), schema: Schema([]))) == type else { return node }
            return .literal(value)
        }
    }
}

extension PhysicalExpression {
    /// Whether two evaluations may differ (random numbers, the current time): never folded.
    var isVolatile: Bool {
        var volatile = false
        _ = transformed { e in
            if case .function(let fn, _) = e, fn.isVolatile { volatile = true }
            return e
        }
        return volatile
    }
}

extension ScalarFunction {
    /// A function whose result can change between calls with the same arguments. Listed case by
    /// case, so a new function (random, now) must say which it is.
    var isVolatile: Bool {
        switch self {
        case .abs, .round, .floor, .ceil, .lower, .upper, .length, .substring, .concat, .trim, .ltrim, .rtrim,
             .dateTrunc, .datePart:
            false
        }
    }
}
