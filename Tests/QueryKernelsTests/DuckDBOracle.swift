import Columnar
import Foundation
@testable import QueryKernels

/// Runs SQL in DuckDB (python3 -m duckdb, installed for the tests) and returns each query's rows
/// as text cells, or its error.
enum DuckDBOracle {
    enum Outcome: Equatable { case rows([[String?]]), error(String) }

    static let script = #"""
import sys, json, math, duckdb, datetime, decimal
def cell(v):
    if v is None: return None
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v): return "nan"
        if math.isinf(v): return "inf" if v > 0 else "-inf"
        return repr(v)
    return str(v)
out = []
for q in json.load(sys.stdin):
    try:
        c = duckdb.connect()
        out.append({"rows": [[cell(v) for v in r] for r in c.sql(q).fetchall()]})
    except Exception as e:
        out.append({"error": type(e).__name__ + ": " + str(e).splitlines()[0]})
print(json.dumps(out))
"""#

    static func run(_ queries: [String]) throws -> [Outcome] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: queries))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return [] }
        return list.map { item in
            if let e = item["error"] as? String { return .error(e) }
            let rows = (item["rows"] as? [[Any]]) ?? []
            return .rows(rows.map { $0.map { $0 as? String } })
        }
    }
}

/// Renders result cells as the oracle does (Python's str / repr).
enum Render {
    static func cell(_ c: Column, _ i: Int) -> String? {
        if c.isNull(i) { return nil }
        switch (c.type, c.values) {
        case (.boolean, .boolean(let v)): return v[i] ? "true" : "false"
        case (.date, .int32(let v)): return CivilTime.formatDate(days: Int64(v[i]))
        case (.timestamp, .int64(let v)):
            let (d, rest) = CivilTime.floorDivide(v[i], 86_400_000_000)
            var t = CivilTime.formatDate(days: d) + " " + CivilTime.formatTimeOfDay(micros: rest)
            if t.hasSuffix(".000000") { t.removeLast(7) }
            return t
        case (.decimal(_, let s), .int64(let v)): return DecimalText.format(unscaled: v[i], scale: s)
        case (.decimal(_, let s), .fixed(_, let data)): return DecimalText.format(bigEndian: data[i * 16..<(i + 1) * 16], scale: s)
        case (_, .int64(let v)): return String(v[i])
        case (_, .int32(let v)): return String(v[i])
        case (_, .float64(let v)):
            let x = v[i]
            if x.isNaN { return "nan" }
            if x.isInfinite { return x > 0 ? "inf" : "-inf" }
            return pythonRepr(x)
        case (_, .bytes(let b)): return String(decoding: b[i], as: UTF8.self)
        default: return "?"
        }
    }

    /// Python's repr of a float: shortest round trip, exponent form outside 1e-4 ..< 1e16.
    static func pythonRepr(_ x: Double) -> String {
        let s = "\(x)"
        if s.contains("e") {
            // Swift: 1e+20 / 1e-05; Python: 1e+20 / 1e-05
            return s
        }
        if abs(x) >= 1e16 {
            let parts = String(format: "%.17g", x)
            if let d = Double(parts), d == x { return parts }
        }
        return s
    }

    static func rows(_ batch: RecordBatch) -> [[String?]] {
        (0..<batch.rowCount).map { i in batch.columns.map { cell($0, i) } }
    }

    /// Doubles may differ in the last digits (summation order); other cells must be equal.
    static func same(_ a: [[String?]], _ b: [[String?]]) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) {
            guard x.count == y.count else { return false }
            for (p, q) in zip(x, y) where p != q {
                guard let p, let q, let d1 = Double(p), let d2 = Double(q) else { return false }
                if abs(d1 - d2) > 1e-9 * max(1, abs(d1), abs(d2)) { return false }
            }
        }
        return true
    }
}

/// A small table held both as a RecordBatch and as SQL VALUES text for DuckDB.
struct TestTable {
    enum Data {
        case int([Int64?]), double([Double?]), string([String?]), bool([Bool?])
        /// Decimal text at the given precision/scale.
        case decimal([String?], Int, Int)
        case date([String?]), timestamp([String?])
    }

    var batch: RecordBatch
    var sql: String

    init(_ columns: [(String, Data)]) {
        var fields: [Field] = [], cols: [Column] = [], sqlCols: [[String]] = []
        for (name, data) in columns {
            switch data {
            case .int(let v):
                fields.append(Field(name, .int64)); cols.append(Column(type: .int64, values: .int64(v.map { $0 ?? 0 }), validity: v.map { $0 != nil }))
                sqlCols.append(v.map { $0.map { "\($0)::BIGINT" } ?? "NULL::BIGINT" })
            case .double(let v):
                fields.append(Field(name, .float64)); cols.append(Column(type: .float64, values: .float64(v.map { $0 ?? 0 }), validity: v.map { $0 != nil }))
                sqlCols.append(v.map { $0.map { "'\($0)'::DOUBLE" } ?? "NULL::DOUBLE" })
            case .string(let v):
                var b = ByteArrays(); for s in v { b.append(Array((s ?? "").utf8)) }
                fields.append(Field(name, .string)); cols.append(Column(type: .string, values: .bytes(b), validity: v.map { $0 != nil }))
                sqlCols.append(v.map { $0.map { "'\($0.replacingOccurrences(of: "'", with: "''"))'" } ?? "NULL::VARCHAR" })
            case .bool(let v):
                fields.append(Field(name, .boolean)); cols.append(Column(type: .boolean, values: .boolean(v.map { $0 ?? false }), validity: v.map { $0 != nil }))
                sqlCols.append(v.map { $0.map { "\($0)" } ?? "NULL::BOOLEAN" })
            case .decimal(let v, let p, let s):
                let unscaled = v.map { $0.map { Int64(Cast.parseDecimal(Array($0.utf8)[...], scale: s)!) } ?? 0 }
                fields.append(Field(name, .decimal(precision: p, scale: s)))
                cols.append(Column(type: .decimal(precision: p, scale: s), values: .int64(unscaled), validity: v.map { $0 != nil }))
                sqlCols.append(v.map { "\($0 ?? "NULL")::DECIMAL(\(p),\(s))" })
            case .date(let v):
                fields.append(Field(name, .date))
                cols.append(Column(type: .date, values: .int32(v.map { $0.map { Int32(CivilCalendar.parseDate(Array($0.utf8))!) } ?? 0 }), validity: v.map { $0 != nil }))
                sqlCols.append(v.map { $0.map { "DATE '\($0)'" } ?? "NULL::DATE" })
            case .timestamp(let v):
                let t = DataType.timestamp(.micros, utc: true)
                fields.append(Field(name, t))
                cols.append(Column(type: t, values: .int64(v.map { $0.map { CivilCalendar.parseTimestamp(Array($0.utf8))! } ?? 0 }), validity: v.map { $0 != nil }))
                sqlCols.append(v.map { $0.map { "TIMESTAMP '\($0)'" } ?? "NULL::TIMESTAMP" })
            }
        }
        // Drop all-true validity (the Column contract: nil when nothing is null).
        cols = cols.map { c in var c = c; if c.validity?.allSatisfy({ $0 }) == true { c.validity = nil }; return c }
        batch = RecordBatch(schema: Schema(fields), columns: cols)
        let rows = (0..<batch.rowCount).map { i in "(" + sqlCols.map { $0[i] }.joined(separator: ", ") + ")" }
        sql = "(VALUES " + rows.joined(separator: ", ") + ") t(" + fields.map(\.name).joined(separator: ", ") + ")"
    }

    func column(_ name: String) -> PhysicalExpression {
        let i = batch.schema.index(of: name)!
        return .column(i, batch.schema.fields[i].type)
    }
}
