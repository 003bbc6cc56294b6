import ArgumentParser
import Columnar
import Foundation
import Parquet
import Query
import SQLParser
import Synchronization

enum QueryOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, jsonl
}

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run SQL over Parquet (plaintext or PME-encrypted) and CSV tables with the native engine.")

    @Option(help: "The SQL query.")
    var sql: String

    @Option(name: .customLong("table"), help: "NAME=PATH: a Parquet file, a directory of *.parquet, a glob, or a .csv file (repeatable).")
    var tables: [String] = []

    @Option(help: "KEYS.json for encrypted files (development; CAS delivers keys in production).")
    var keys: String?

    @Option(help: "Worker threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("memory-limit"), help: "Bytes the query may hold; over it the query stops with an error.")
    var memoryLimit: Int?

    @Option(help: "table, csv or jsonl.")
    var format: QueryOutputFormat = .table

    @Flag(help: "Print the plan instead of running it.")
    var explain = false

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be ≥ 1") }
        if let memoryLimit, memoryLimit < 1 { throw ValidationError("--memory-limit must be ≥ 1") }
        for table in tables where !table.contains("=") { throw ValidationError("--table takes NAME=PATH, got '\(table)'") }
    }

    /// The tables of `--table NAME=PATH` options, read with the keys of KEYS.json when given
    /// (footers are read and keys unwrapped here).
    static func catalog(tables: [String], keys: String?) throws -> Catalog {
        var catalog = Catalog()
        let keysFile = try keys.map { try KeysFileLoader.load(path: $0) }
        for spec in tables {
            let name = String(spec[..<spec.firstIndex(of: "=")!])
            let path = String(spec[spec.index(after: spec.firstIndex(of: "=")!)...])
            catalog.register(name, try Catalog.open(name: name, path: path) { file in
                ParquetReadOptions(keys: try keysFile.map { try KeysFileLoader.provider(keys: $0, forParquetFile: file) })
            })
        }
        return catalog
    }

    func run() throws {
        let catalog = try Self.catalog(tables: tables, keys: keys)
        let progress = ScanProgress()
        var onMorsel: (@Sendable () -> Void)?
        if progress.enabled { onMorsel = { progress.morselScanned() } }
        let engine = QueryEngine(catalog: catalog, threads: threads, memoryLimit: memoryLimit, onMorselScanned: onMorsel)
        defer { progress.finish() }
        var sink = OutputSink()
        do {
            if explain {
                sink.write(try engine.explain(sql))
                sink.flush()
                return
            }
            let result = try engine.run(sql)
            ResultPrinter.print(result, format: format, to: &sink)
            sink.flush()
        } catch let error as SQLSyntaxError {
            throw CLIError(error.description)
        }
    }
}

/// Query results in the three output formats.
enum ResultPrinter {
    static func print(_ result: QueryEngine.Result, format: QueryOutputFormat, to sink: inout OutputSink) {
        switch format {
        case .jsonl, .csv:
            if format == .csv {
                sink.write(result.schema.fields.map { CSVText.field($0.name) }.joined(separator: ",") + "\n")
            }
            for batch in result.batches where batch.rowCount > 0 {
                let writer = RowWriter(batch: batch, format: format == .jsonl ? .jsonl : .csv,
                                       integerDecimals: result.hugeIntColumns)
                for row in 0..<batch.rowCount { sink.append { writer.write(row: row, to: &$0) } }
            }
        case .table:
            var rows: [[String]] = [result.schema.fields.map(\.name)]
            for batch in result.batches {
                let readers = batch.columns.map { CellReader(column: $0) }
                for row in 0..<batch.rowCount {
                    rows.append(readers.map { reader in
                        let cell = reader.cell(row)
                        if case .null = cell { return "NULL" }
                        return cell.csvText ?? ""
                    })
                }
            }
            let widths = result.schema.fields.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
            for (i, row) in rows.enumerated() {
                sink.write(zip(row, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: " | ") + "\n")
                if i == 0 { sink.write(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-") + "\n") }
            }
            sink.write("(\(rows.count - 1) row\(rows.count == 2 ? "" : "s"))\n")
        }
    }
}

/// "N row groups scanned" on a terminal while a query runs (nothing when stderr is piped).
final class ScanProgress: Sendable {
    private let state = Mutex<(progress: Progress, count: Int)>((Progress("query"), 0))
    let enabled: Bool

    init() { enabled = Progress("query").enabled }

    func morselScanned() {
        state.withLock { s in
            s.count += 1
            if s.count % 8 == 0 { s.progress.update("\(s.count) row groups scanned") }
        }
    }

    func finish() { state.withLock { $0.progress.finish() } }
}
