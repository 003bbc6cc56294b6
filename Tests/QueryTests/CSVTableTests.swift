import Columnar
import Foundation
import Query
import Testing

@Suite("CSV tables")
struct CSVTableTests {
    static let csv = #"""
    id,amount,flag,day,at,label,empty
    1,2.5,true,2024-01-02,2024-01-02 03:04:05,plain,
    -2,3e5,false,1999-12-31,1999-12-31T23:59:59.123456,"quoted, with comma",
    ,1.5,,2000-02-29,,"say ""hi""",
    9223372036854775807,,TRUE,,2030-06-01 00:00:00,"line
    break",

    """#

    /// Types and values must be what DuckDB's read_csv gives for the same file.
    @Test func agreesWithDuckDB() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sr-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.csv").path
        try Self.csv.write(toFile: path, atomically: true, encoding: .utf8)
        let table = try CSVTable(name: "t", path: path)
        #expect(table.schema.fields.map(\.type) == [.int64, .float64, .boolean, .date, .timestamp(.micros, utc: false), .string, .string])
        guard let duck = try DuckDBProbe.rows("select * from read_csv('\(path)')") else { return }
        let batch = table.batches[0]
        #expect(batch.rowCount == duck.count)
        for (r, row) in duck.enumerated() {
            for (c, expected) in row.enumerated() {
                #expect(CSVCell.text(batch.columns[c], r) == expected, "row \(r) column \(table.schema.fields[c].name)")
            }
        }
    }

    @Test func unclosedQuoteIsAnError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sr-bad-\(UUID().uuidString).csv").path
        try "a,b\n1,\"open\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: SourceError.self) { _ = try CSVTable(name: "t", path: path) }
    }

    @Test func temporalText() {
        #expect(TemporalText.days("1970-01-01") == 0)
        #expect(TemporalText.days("2000-02-29") == 11_016)
        #expect(TemporalText.days("2001-02-29") == nil)
        #expect(TemporalText.micros("1970-01-01 00:00:01.5") == 1_500_000)
        #expect(TemporalText.micros("1969-12-31T23:59:59.999999") == -1)
        #expect(TemporalText.micros("2024-13-01 00:00:00") == nil)
    }
}

/// Cell text in the form the DuckDB probe prints (Python str() of the value; None for NULL).
enum CSVCell {
    static func text(_ column: Column, _ row: Int) -> String? {
        if column.isNull(row) { return nil }
        switch (column.values, column.type) {
        case (.int64(let v), .timestamp):
            return CivilTime.formatTimestamp(micros: v[row]).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
        case (.int64(let v), _): return String(v[row])
        case (.float64(let v), _): return v[row].description
        case (.boolean(let v), _): return v[row] ? "True" : "False"
        case (.int32(let v), .date): return CivilTime.formatDate(days: Int64(v[row]))
        case (.bytes(let v), _): return String(decoding: v[row], as: UTF8.self)
        default: return "?"
        }
    }
}

/// Runs a query in DuckDB (python3 -m duckdb) and returns rows as text; nil (with a recorded
/// note) when DuckDB is not installed.
enum DuckDBProbe {
    static func rows(_ sql: String) throws -> [[String?]]? {
        let script = """
        import duckdb, json, datetime
        def text(v):
            if v is None: return None
            if isinstance(v, datetime.datetime): return v.strftime('%Y-%m-%d %H:%M:%S.%f')
            return str(v)
        rows = duckdb.sql(\(String(reflecting: sql))).fetchall()
        print(json.dumps([[text(v) for v in r] for r in rows]))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record("duckdb (python3) is not available; run scripts/python-deps.sh")
            return nil
        }
        return try JSONDecoder().decode([[String?]].self, from: data)
    }
}
