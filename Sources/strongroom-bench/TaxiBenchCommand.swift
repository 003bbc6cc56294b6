import RowText
import ArgumentParser
import Dispatch
import Foundation
import StrongroomCLI
import Query
import QueryKernels
import Session

/// The taxi queries timed inside one process, to compare with DuckDB's in-process timings
/// (bench/query_bench.py runs it next to the whole-process `strongroom query` runs). Each timed
/// run does everything a fresh query would: parse KEYS.json, open the tables (read and decrypt
/// every footer, unwrap the keys), plan, execute and render the rows as jsonl; only process
/// start-up and dynamic loading are left out. Median of `--runs` runs after one warm-up.
struct TaxiBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taxi", abstract: "Time the taxi benchmark queries in-process (tables opened inside the timed region).")

    /// Issue 3's benchmark queries; `--query` replaces them.
    static let defaultQueries: [(id: String, sql: String)] = [
        ("Q1", "SELECT count(*) FROM trips"),
        ("Q2", "SELECT count(*) FROM trips WHERE trip_distance > 5"),
        ("Q3", "SELECT payment_type, count(*), sum(total_amount), avg(tip_amount) FROM trips GROUP BY payment_type"),
        ("Q4", "SELECT PULocationID, DOLocationID, count(*), avg(fare_amount) FROM trips GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 10"),
        ("Q5", "SELECT z.Borough, count(*), avg(t.total_amount) FROM trips t JOIN zones z ON t.PULocationID = z.LocationID GROUP BY z.Borough ORDER BY z.Borough"),
        ("Q6", "SELECT date_trunc('hour', tpep_pickup_datetime) AS h, count(*), avg(trip_distance) FROM trips WHERE tpep_pickup_datetime >= TIMESTAMP '2024-03-01' AND tpep_pickup_datetime < TIMESTAMP '2024-04-01' GROUP BY 1 ORDER BY 1"),
    ]

    @Option(name: .customLong("table"), help: "NAME=PATH as in `strongroom query` (trips, zones).")
    var tables: [String] = []

    @Option(help: "KEYS.json for encrypted files.")
    var keys: String?

    @Option(name: .customLong("query"), help: "ID=SQL (repeatable; default: Q1–Q6 of issue 3).")
    var queries: [String] = []

    @Option(help: "Worker threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Timed runs per query (after one warm-up); the median is reported.")
    var runs: Int = 3

    @Option(name: .customLong("memory-limit"), help: "Memory a query may hold (bytes, or 4GB, 512MiB…).")
    var memoryLimit: MemoryLimit?

    @Option(help: "text or json.")
    var format: ReportFormat = .text

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be ≥ 1") }
        if runs < 1 { throw ValidationError("--runs must be ≥ 1") }
        for table in tables where !table.contains("=") { throw ValidationError("--table takes NAME=PATH, got '\(table)'") }
        for query in queries where !query.contains("=") { throw ValidationError("--query takes ID=SQL, got '\(query)'") }
    }

    func run() async throws {
        let list = queries.isEmpty ? Self.defaultQueries : queries.map { q in
            let eq = q.firstIndex(of: "=")!
            return (id: String(q[..<eq]), sql: String(q[q.index(after: eq)...]))
        }
        var report: [(id: String, seconds: [Double], rows: Int)] = []
        for (id, sql) in list {
            _ = try await runOnce(sql)  // warm-up: page cache, allocator
            var seconds: [Double] = []
            var rows = 0
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                rows = try await runOnce(sql)
                seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            report.append((id, seconds, rows))
        }
        switch format {
        case .json:
            let entries = report.map { r in
                "\"\(r.id)\":{\"seconds\":\(median(r.seconds)),\"runs\":[\(r.seconds.map { "\($0)" }.joined(separator: ","))],\"rows\":\(r.rows)}"
            }
            print("{\"threads\":\(threads),\"runs\":\(runs),\"queries\":{\(entries.joined(separator: ","))}}")
        case .text:
            for r in report {
                print("\(r.id) median \(String(format: "%.4f", median(r.seconds))) s over \(runs) runs, \(r.rows) rows")
            }
        }
    }

    /// One query from nothing: keys, footers, plan, execution, jsonl rows. Returns the row count.
    private func runOnce(_ sql: String) async throws -> Int {
        var session = QuerySession(
            keys: try keys.map { try KeySource.keysFile(at: $0) } ?? .none, threads: threads, memoryLimit: memoryLimit)
        try session.register(specs: tables)
        let result = try await session.run(sql)
        var bytes: [UInt8] = []
        var rows = 0
        for batch in result.batches where batch.rowCount > 0 {
            let writer = RowWriter(batch: batch, format: .jsonl, integerDecimals: result.hugeIntColumns)
            for row in 0..<batch.rowCount { writer.write(row: row, to: &bytes) }
            rows += batch.rowCount
        }
        return rows
    }

    private func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
