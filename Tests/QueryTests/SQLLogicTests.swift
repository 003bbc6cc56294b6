import Columnar
import Crypto
import Foundation
import Parquet
import Query
import QueryKernels
import RowText
import Testing

/// The SQL logic files of SQLLogic/: each query's rows must equal DuckDB's answer, which
/// SQLLogic/generate.py wrote into the file (so this needs neither Python nor DuckDB); each
/// error block must fail with one of its messages.
@Suite("SQL logic (DuckDB's answers)")
struct SQLLogicTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("SQLLogic")

    @Test(arguments: ["joins.slt", "subqueries.slt", "spilling.slt"])
    func file(_ name: String) async throws {
        let text = try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
        let cases = try SLTFile.parse(text, file: name)
        #expect(cases.count >= 8, "\(name) has only \(cases.count) blocks")
        for c in cases {
            if let problem = await Self.check(c) { Issue.record(Comment(rawValue: "\(c)\n\(c.sql)\n\(problem)")) }
        }
    }

    /// The spilling queries again under other limits, from below a spill block to above most of
    /// the data: the answer must not depend on how much spilled (bugs at the boundaries, where
    /// some operators spill and others do not, are the ones worth finding).
    @Test(arguments: ["96KB", "1MB", "3MB"])
    func spillingAnswersHoldAtOtherLimits(_ limit: String) async throws {
        let text = try String(contentsOf: Self.folder.appendingPathComponent("spilling.slt"), encoding: .utf8)
        for var c in try SLTFile.parse(text, file: "spilling.slt") where c.kind == .query {
            c.memoryLimit = limit
            c.mustSpill = false
            if let problem = await Self.check(c) { Issue.record(Comment(rawValue: "\(c) at memory=\(limit)\n\(c.sql)\n\(problem)")) }
        }
    }

    /// nil when the engine's answer is right, else what differs.
    static func check(_ c: SLTCase) async -> String? {
        let result: QueryEngine.Result
        do {
            result = try await engine(c).run(c.sql)
        } catch {
            guard c.kind == .error else { return "failed: \(error)" }
            let message = "\(error)".lowercased()
            if c.expectedErrors.isEmpty || c.expectedErrors.contains(where: message.contains) { return nil }
            return "error '\(error)' contains none of \(c.expectedErrors)"
        }
        guard c.kind == .query else { return "expected an error, got \(result.batches.reduce(0) { $0 + $1.rowCount }) rows" }
        if c.mustSpill && result.spilledBytes == 0 { return "the query was to spill under memory=\(c.memoryLimit ?? "none") but wrote no spill file" }
        do {
            if let hashed = c.hashed { return compareHash(try rows(result), hashed, c) }
            return compare(try rows(result), try c.rows.map(JSONRowReader.values), c)
        } catch {
            return "\(error)"
        }
    }

    static func engine(_ c: SLTCase) throws -> QueryEngine {
        var catalog = Catalog()
        for table in c.tables {
            let path = folder.appendingPathComponent("data/\(table).parquet").path
            catalog.register(table, try Catalog.open(name: table, path: path) { _ in ParquetReadOptions() })
        }
        let limit = try c.memoryLimit.map { text in
            guard let limit = MemoryLimit(text) else { throw SLTFile.FormatError(description: "\(c): memory=\(text) is not a size") }
            return limit
        }
        return QueryEngine(catalog: catalog, threads: c.threads, memoryLimit: limit)
    }

    /// The result rows as `strongroom query --format jsonl` prints them, parsed back into cells.
    static func rows(_ result: QueryEngine.Result) throws -> [[JSONCell]] {
        var out: [[JSONCell]] = []
        for batch in result.batches {
            let writer = RowWriter(batch: batch, format: .jsonl, integerDecimals: result.hugeIntColumns)
            for row in 0..<batch.rowCount {
                var line: [UInt8] = []
                writer.write(row: row, to: &line)
                out.append(try JSONRowReader.values(String(decoding: line, as: UTF8.self)))
            }
        }
        return out
    }

    /// Large results: the row count and the SHA-256 of the rows' canonical text (generate.py's
    /// `canonical_hash`: cells tab-separated, NULL, true/false, numbers as JSON, strings as is).
    static func compareHash(_ actual: [[JSONCell]], _ expected: (rows: Int, sha256: String), _ c: SLTCase) -> String? {
        guard actual.count == expected.rows else { return "\(actual.count) rows, DuckDB \(expected.rows)" }
        var texts = actual.map { row in
            Array(row.map { cell -> String in
                switch cell {
                case .null: "NULL"
                case .bool(let b): b ? "true" : "false"
                case .number(let n): n
                case .string(let s): s
                case .raw(let r): r
                }
            }.joined(separator: "\t").utf8)
        }
        if c.order == .rowsort { texts.sort { $0.lexicographicallyPrecedes($1) } }
        var hash = SHA256()
        for text in texts { hash.update(data: text + [0x0A]) }
        let hex = hash.finalize().map { String(format: "%02x", $0) }.joined()
        return hex == expected.sha256 ? nil : "rows hash to \(hex), DuckDB's to \(expected.sha256) (same count)"
    }

    static func compare(_ actual: [[JSONCell]], _ expected: [[JSONCell]], _ c: SLTCase) -> String? {
        guard actual.count == expected.count else {
            return "\(actual.count) rows, DuckDB \(expected.count)\nfirst rows: \(actual.prefix(5))\nDuckDB's: \(expected.prefix(5))"
        }
        var a = actual, e = expected
        if c.order == .rowsort {
            let before: ([JSONCell], [JSONCell]) -> Bool = { x, y in
                for (p, q) in zip(x, y) where p.sortKey != q.sortKey { return p.sortKey < q.sortKey }
                return false
            }
            a.sort(by: before)
            e.sort(by: before)
        }
        for (i, (x, y)) in zip(a, e).enumerated() {
            guard x.count == y.count else { return "row \(i) has \(x.count) columns, DuckDB's \(y.count)" }
            for (j, (p, q)) in zip(x, y).enumerated() where !p.matches(q, approx: c.approx) {
                return "row \(i) (\(c.order == .rowsort ? "sorted" : "in order")) column \(j): \(p), DuckDB \(q)\nrow: \(x)\nDuckDB's: \(y)"
            }
        }
        return nil
    }
}
