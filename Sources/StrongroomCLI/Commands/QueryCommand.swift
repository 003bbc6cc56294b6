import RowText
import AlwaysEncrypted
import ArgumentParser
import Columnar
import EncryptedTables
import Foundation
import Parquet
import Query
import QueryKernels
import Runtime
import SQLParser
import Session
import Support
import Synchronization

enum QueryOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, jsonl
}

enum QueryEngineChoice: String, ExpressibleByArgument, CaseIterable {
    case native, spark
}

struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run SQL over Parquet (plaintext or PME-encrypted) and CSV tables with the native engine.",
        discussion: """
        With --cas the process first attests to CAS for the policy's service (the job hash describes the \
        SQL text, so a policy can pin the exact query: --print-job-hash prints it), then unwraps data keys through CAS: keys \
        never touch disk. --output writes the result as Parquet: with --cas encrypted under the policy's \
        results.master_key (fresh data keys wrapped by CAS); with --keys under --output-key from the keys \
        file; otherwise plaintext.
        """)

    @Option(help: "The SQL query.")
    var sql: String

    @Option(name: .customLong("table"), help: "NAME=PATH: a Parquet file, a directory of *.parquet, a glob, a .csv file, or a database table postgres://USER@HOST/DB?table=T / sqlite://PATH?table=T (repeatable).")
    var tables: [String] = []

    @Option(help: "KEYS.json for encrypted files (development; CAS delivers keys in production).")
    var keys: String?

    @Option(help: "Worker threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("memory-limit"), help: "Memory the query may hold (bytes, or 4GB, 512MiB…; default 80% of the machine's or container's memory); over it the query stops with an error.")
    var memoryLimit: MemoryLimit?

    @Option(help: "table, csv or jsonl.")
    var format: QueryOutputFormat = .table

    @Flag(help: "Print the plan instead of running it.")
    var explain = false

    @OptionGroup var cas: CASAttestationOptions

    @Option(help: "Write the result to this Parquet file (atomically), or to a database table (postgres://…?table=T, sqlite://PATH?table=T: created or appended to in one transaction), instead of printing it.")
    var output: String?

    @Option(name: .customLong("encrypt"), help: "With a database --output: COLUMN=CEK:deterministic|randomized[:TYPE] encrypts that column (Always Encrypted) under the column encryption key CEK (repeatable).")
    var encrypt: [String] = []

    @OptionGroup var columnKeys: ColumnKeyFileOptions

    @Option(name: .customLong("output-key"), help: "With --keys and --output: the master key id (in the keys file) the result is encrypted under.")
    var outputKey: String?

    @Option(help: "native (this process) or spark (Apache Spark through spark/runner; PME keys through this process's KMS proxy).")
    var engine: QueryEngineChoice = .native

    @Option(help: "With --engine spark: the Spark master URL (default local[THREADS]).")
    var master: String?

    @OptionGroup var printing: JobPrintOptions

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be ≥ 1") }
        for table in tables where !table.contains("=") { throw ValidationError("--table takes NAME=PATH, got '\(table)'") }
        try cas.validateOptional()
        if cas.isRequested && keys != nil { throw ValidationError("--keys and --cas are alternatives: with --cas, CAS provides the keys") }
        let databaseOutput = output.map(TableLocation.isDatabaseURL) ?? false
        if !encrypt.isEmpty && !databaseOutput { throw ValidationError("--encrypt goes with a database --output (postgres://… or sqlite://…)") }
        if outputKey != nil && (output == nil || keys == nil || databaseOutput) { throw ValidationError("--output-key goes with a Parquet --output and --keys") }
        if output != nil && !databaseOutput && keys != nil && outputKey == nil {
            throw ValidationError("--output with --keys needs --output-key MASTER_KEY_ID (the result is encrypted under it)")
        }
        if output != nil && explain { throw ValidationError("--explain prints a plan; it writes no --output") }
        if engine == .native && master != nil { throw ValidationError("--master goes with --engine spark") }
        if engine == .spark {
            if explain { throw ValidationError("--explain is for the native engine") }
            if tables.contains(where: { TableLocation.isDatabaseURL(String($0.drop { $0 != "=" }.dropFirst())) }) || databaseOutput {
                throw ValidationError("database tables (postgres://, sqlite://) are read and written by the native engine only")
            }
            if !columnKeys.cmkKeys.isEmpty { throw ValidationError("--cmk-key is for database tables (native engine)") }
            if memoryLimit != nil { throw ValidationError("--memory-limit is for the native engine (Spark has its own memory settings)") }
            if keys != nil, let master, !master.hasPrefix("local") {
                throw ValidationError("--keys works with local Spark only: executors on a cluster get keys from CAS (--cas)")
            }
        }
    }

    func run() async throws {
        if engine == .spark {
            try await SparkQuery(sql: sql, tables: tables, keys: keys, threads: threads, format: format, master: master,
                                 output: output, outputKey: outputKey, cas: cas, printing: printing).run()
            return
        }
        if try printing.print(JobManifest.query(sql: sql)) { return }
        var session = QuerySession(localMasterKeys: try columnKeys.load(), threads: threads, memoryLimit: memoryLimit)
        try session.register(specs: tables)
        let progress = ScanProgress()
        if progress.enabled { session.onMorselScanned = { progress.morselScanned() } }
        defer { progress.finish() }
        var job = QueryJob(sql: sql, session: session, output: try jobOutput())
        job.explain = explain
        let outcome: QueryJob.Outcome
        do {
            if cas.isRequested {
                try ProcessHardening.apply()
                let (attestation, client) = try cas.attestation()
                outcome = try await job.run(attestation: attestation, client: client)
            } else {
                outcome = try await job.run(keys: try keys.map { try KeysFile(contentsOf: $0) }, outputKey: outputKey)
            }
        } catch let error as SQLSyntaxError {
            throw CLIError(error.description)
        }
        progress.finish()
        print(outcome)
    }

    private func jobOutput() throws -> QueryJob.Output {
        guard let output else { return .caller }
        guard TableLocation.isDatabaseURL(output) else { return .file(output) }
        return .table(try TableLocation(output), encrypt: try encrypt.map { try EncryptedColumnRequest(option: $0) })
    }

    private func print(_ outcome: QueryJob.Outcome) {
        var sink = OutputSink()
        switch outcome {
        case .explained(let plan):
            sink.write(plan)
        case .result(let result):
            ResultPrinter.print(result, format: format, to: &sink)
        case .wroteFile(let rows, let path, let masterKey):
            StandardError.write("wrote \(rows) row\(rows == 1 ? "" : "s") to \(path)\(masterKey.map { " (encrypted under master key \($0))" } ?? "")\n")
        case .wroteTable(let rows, let location):
            let encrypted = (try? encrypt.map { try EncryptedColumnRequest(option: $0).column }) ?? []
            StandardError.write("wrote \(rows) row\(rows == 1 ? "" : "s") to table \(location.table) in the \(location.database.description)"
                                + (encrypted.isEmpty ? "" : " (\(encrypted.joined(separator: ", ")) encrypted)") + "\n")
        }
        sink.flush()
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
