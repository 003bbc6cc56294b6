import AlwaysEncrypted
import ArgumentParser
import Columnar
import EncryptedTables
import Foundation
import Parquet
import Query
import Runtime
import SQLParser
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

    @Option(name: .customLong("memory-limit"), help: "Bytes the query may hold; over it the query stops with an error.")
    var memoryLimit: Int?

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
        if let memoryLimit, memoryLimit < 1 { throw ValidationError("--memory-limit must be ≥ 1") }
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
        let requests = try encrypt.map { try EncryptedColumnRequest(option: $0) }
        let plan = QueryRun(sql: sql, tables: tables, threads: threads, memoryLimit: memoryLimit, format: format,
                            explain: explain, output: output, encrypt: requests, localMasterKeys: try columnKeys.load())
        guard cas.isRequested else {
            let keysFile = try keys.map { try KeysFileLoader.load(path: $0) }
            var localOutput: (issuer: any ParquetKeyIssuer, masterKey: String)?
            if let outputKey, let keysFile { localOutput = (KeyMaterialProvider(keysFile: keysFile, doubleWrapping: true), outputKey) }
            let encryption = localOutput
            // Database tables block on their connections: run the engine on a thread of its own.
            try await BlockingBridge.offload {
                try plan.execute(keys: keysFile.map { QueryKeySource.local($0) } ?? .noKeys, outputEncryption: encryption)
            }
            return
        }
        try ProcessHardening.apply()
        let session = try await cas.attest(jobHash: JobManifest.query(sql: sql).hash)
        do {
            let kms = session.kmsClient()
            var outputEncryption: (issuer: any ParquetKeyIssuer, masterKey: String)?
            if let output, !TableLocation.isDatabaseURL(output) {
                guard let resultsKey = session.resultsMasterKey else {
                    throw CLIError("service \(session.service) of policy \(session.policy) names no results.master_key, so --output has no key to encrypt under")
                }
                outputEncryption = (KeyMaterialProvider(kms: kms, doubleWrapping: true), resultsKey)
            }
            let encryption = outputEncryption
            // Key unwraps block on CAS calls: run the engine on a thread of its own.
            try await BlockingBridge.offload { try plan.execute(keys: .cas(kms), outputEncryption: encryption) }
            await session.shutdown()
        } catch {
            await session.shutdown()
            throw error
        }
    }
}

/// Where the keys of encrypted inputs come from.
package enum QueryKeySource: Sendable {
    case noKeys
    /// KEYS.json (development): explicit keys and master keys, unwrapped locally.
    case local(KeysFile)
    /// CAS: key material unwrapped through `/v1/kms/unwrap` with the attested session's token.
    case cas(CASKMSClient)

    func readOptions(forParquetFile file: String) throws -> ParquetReadOptions {
        switch self {
        case .noKeys:
            return ParquetReadOptions(keys: nil)
        case .local(let keysFile):
            return ParquetReadOptions(keys: try KeysFileLoader.provider(keys: keysFile, forParquetFile: file))
        case .cas(let kms):
            let external = ExternalKeyMaterial.path(forParquetFile: file)
            let material = FileManager.default.fileExists(atPath: external) ? try ExternalKeyMaterial(contentsOf: external) : nil
            return ParquetReadOptions(keys: KeyMaterialProvider(kms: kms, externalKeyMaterial: material))
        }
    }

    /// Where the column encryption keys of Always Encrypted tables are unwrapped: CAS for
    /// `STRONGROOM_CAS` column master keys (or the keys file's master keys, in development),
    /// local RSA keys (`--cmk-key`, development) for the others.
    package func columnKeys(localMasterKeys: [String: ColumnMasterKey]) -> ColumnKeySources {
        switch self {
        case .noKeys: ColumnKeySources(localMasterKeys: localMasterKeys)
        case .local(let keysFile): ColumnKeySources(kms: LocalKMS(masterKeys: keysFile), localMasterKeys: localMasterKeys)
        case .cas(let kms): ColumnKeySources(kms: kms, localMasterKeys: localMasterKeys)
        }
    }
}

/// One query as the options describe it; runs synchronously on the calling thread.
package struct QueryRun: Sendable {
    var sql: String
    var tables: [String]
    var threads: Int
    var memoryLimit: Int?
    var format: QueryOutputFormat
    var explain: Bool
    var output: String?
    var encrypt: [EncryptedColumnRequest] = []
    var localMasterKeys: [String: ColumnMasterKey] = [:]

    /// The tables of `--table NAME=PATH` options (footers are read and keys unwrapped here;
    /// database tables are read when scanned).
    package static func catalog(tables: [String], keys: QueryKeySource, columnKeys: ColumnKeySources) throws -> Catalog {
        var catalog = Catalog()
        for spec in tables {
            let name = String(spec[..<spec.firstIndex(of: "=")!])
            let path = String(spec[spec.index(after: spec.firstIndex(of: "=")!)...])
            if TableLocation.isDatabaseURL(path) {
                catalog.register(name, .external(try DatabaseTable(name: name, location: TableLocation(path), keys: columnKeys)))
                continue
            }
            catalog.register(name, try Catalog.open(name: name, path: path) { file in
                try keys.readOptions(forParquetFile: file)
            })
        }
        return catalog
    }

    func execute(keys: QueryKeySource, outputEncryption: (issuer: any ParquetKeyIssuer, masterKey: String)?) throws {
        let columnKeys = keys.columnKeys(localMasterKeys: localMasterKeys)
        let catalog = try Self.catalog(tables: tables, keys: keys, columnKeys: columnKeys)
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
            if let output, TableLocation.isDatabaseURL(output) {
                let location = try TableLocation(output)
                let rows = try TableWriter.write(result.batches, schema: result.schema, to: location, encrypt: encrypt, keys: columnKeys)
                StandardError.write("wrote \(rows) row\(rows == 1 ? "" : "s") to table \(location.table) in the \(location.database.description)"
                                    + (encrypt.isEmpty ? "" : " (\(encrypt.map(\.column).joined(separator: ", ")) encrypted)") + "\n")
                return
            }
            if let output {
                try ResultFile.write(result, to: output, encryption: outputEncryption)
                return
            }
            ResultPrinter.print(result, format: format, to: &sink)
            sink.flush()
        } catch let error as SQLSyntaxError {
            throw CLIError(error.description)
        }
    }
}

/// `--output FILE.parquet`: the result as one Parquet file, written atomically; encrypted with a
/// fresh data key per column and for the footer, all under one master key (PKMT1 key material).
enum ResultFile {
    static func write(_ result: QueryEngine.Result, to path: String,
                      encryption: (issuer: any ParquetKeyIssuer, masterKey: String)?) throws {
        var options = ParquetWriteOptions()
        if let encryption {
            options.encryption = try ParquetEncryptionConfig.make(
                issuer: encryption.issuer, footerKeyID: encryption.masterKey,
                columnKeyIDs: [(encryption.masterKey, result.schema.fields.map(\.name))])
        }
        let writer = try ParquetFileWriter(path: path, schema: result.schema, options: options)
        for batch in result.batches where batch.rowCount > 0 { try writer.write(batch) }
        try writer.close()
        let rows = result.batches.reduce(0) { $0 + $1.rowCount }
        StandardError.write("wrote \(rows) row\(rows == 1 ? "" : "s") to \(path)\(encryption.map { " (encrypted under master key \($0.masterKey))" } ?? "")\n")
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
