import AlwaysEncrypted
import Columnar
import EncryptedTables
import Parquet
import Query
import QueryKernels

/// One query's world as a program sets it up: the tables it may read (Parquet files,
/// directories and globs, CSV, database tables), the key source that opens them, and the
/// engine's resources. The CLI's `strongroom query`, the benchmarks and (next) the Python
/// package all run queries through it. Opening tables, running and writing are asynchronous:
/// database tables and CAS keys are awaited, and the engine's work runs on a thread of its own.
public struct QuerySession: Sendable {
    public var keys: KeySource
    /// Column master keys held locally (development RSA keys) for Always Encrypted tables.
    public var localMasterKeys: [String: ColumnMasterKey]
    public var threads: Int
    public var memoryLimit: MemoryLimit?
    public var onMorselScanned: (@Sendable () -> Void)?
    /// The tables bound so far, in order.
    public private(set) var tables: [(name: String, location: String)] = []

    public init(
        keys: KeySource = .none, localMasterKeys: [String: ColumnMasterKey] = [:], threads: Int,
        memoryLimit: MemoryLimit? = nil, onMorselScanned: (@Sendable () -> Void)? = nil
    ) {
        self.keys = keys
        self.localMasterKeys = localMasterKeys
        self.threads = threads
        self.memoryLimit = memoryLimit
        self.onMorselScanned = onMorselScanned
    }

    /// Binds `name` to a Parquet file, a directory of `*.parquet`, a glob, a `.csv` file, or a
    /// database table (`postgres://USER@HOST/DB?table=T`, `sqlite://PATH?table=T`).
    public mutating func register(_ name: String, _ location: String) {
        tables.append((name, location))
    }

    /// Binds every `NAME=LOCATION` (the CLI's `--table` syntax); a spec without `=` is an error.
    public mutating func register(specs: [String]) throws(QueryError) {
        for spec in specs {
            guard let equals = spec.firstIndex(of: "=") else {
                throw QueryError(.invalidArgument, "a table is NAME=LOCATION, got '\(spec)'")
            }
            register(String(spec[..<equals]), String(spec[spec.index(after: equals)...]))
        }
    }

    public var columnKeys: ColumnKeySources { keys.columnKeys(localMasterKeys: localMasterKeys) }

    /// Opens the tables: Parquet footers are read and their keys unwrapped here; database
    /// tables are described here and read before each query runs.
    public func catalog() async throws -> Catalog {
        var catalog = Catalog()
        let columnKeys = self.columnKeys
        for (name, location) in tables {
            if TableLocation.isDatabaseURL(location) {
                catalog.register(name, external: try await DatabaseTable.open(name: name, location: TableLocation(location), keys: columnKeys))
            } else {
                let keys = self.keys
                catalog.register(name, try Catalog.open(name: name, path: location) { try keys.readOptions(forParquetFile: $0) })
            }
        }
        return catalog
    }

    public func engine() async throws -> QueryEngine {
        QueryEngine(catalog: try await catalog(), threads: threads, memoryLimit: memoryLimit, onMorselScanned: onMorselScanned)
    }

    public func run(_ sql: String) async throws -> QueryEngine.Result {
        try await engine().run(sql)
    }

    public func explain(_ sql: String) async throws -> String {
        try await engine().explain(sql)
    }

    /// Writes `result` into a database table (created, or appended to, in one transaction),
    /// encrypting the requested columns (Always Encrypted); returns the rows written.
    public func write(
        _ result: QueryEngine.Result, toTable location: TableLocation, encrypt: [EncryptedColumnRequest] = []
    ) async throws -> Int {
        try await TableWriter.write(result.batches, schema: result.schema, to: location, encrypt: encrypt, keys: columnKeys)
    }
}
