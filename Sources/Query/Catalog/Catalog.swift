import Columnar
import Parquet

/// A table the engine can scan: Parquet files (morsels = row groups), a CSV file (morsels =
/// its in-memory batches) or an external table (one morsel, loaded when scanned).
public enum TableSource: Sendable {
    case parquet(ParquetTable)
    case csv(CSVTable)
    case external(ExternalSource)

    public var schema: Schema {
        switch self {
        case .parquet(let t): t.schema
        case .csv(let t): t.schema
        case .external(let t): t.table.schema
        }
    }

    var morselCount: Int {
        switch self {
        case .parquet(let t): t.morsels.count
        case .csv(let t): t.batches.count
        case .external: 1
        }
    }

    func scan(_ morsel: Int, columns: [Int], concurrency: Int = 1) throws -> RecordBatch {
        switch self {
        case .parquet(let t):
            return try t.scan(t.morsels[morsel], columns: columns, concurrency: concurrency)
        case .csv(let t):
            let batch = t.batches[morsel]
            return RecordBatch(schema: Schema(columns.map { batch.schema.fields[$0] }),
                               columns: columns.map { batch.columns[$0] }, rowCount: batch.rowCount)
        case .external(let t):
            return try t.batch(columns: columns, equalities: [])
        }
    }

    func statistics(_ morsel: Int, column: Int) -> ColumnStatistics? {
        guard case .parquet(let t) = self else { return nil }
        return try? t.statistics(t.morsels[morsel], column: column)
    }
}

/// Tables by name (case-insensitive, as in Spark SQL).
public struct Catalog: Sendable {
    private var tables: [String: TableSource] = [:]

    public init() {}

    public mutating func register(_ name: String, _ table: TableSource) {
        tables[name.lowercased()] = table
    }

    public func table(_ name: String) -> TableSource? { tables[name.lowercased()] }

    /// Binds `name` to an external table (a database table): loaded asynchronously before the
    /// engine runs each query (`ExternalScans`).
    public mutating func register(_ name: String, external table: any ExternalTable) {
        register(name, .external(ExternalSource(table)))
    }

    var externalSources: [ExternalSource] {
        tables.values.compactMap { if case .external(let source) = $0 { source } else { nil } }
    }

    /// `--table NAME=PATH`: a CSV file (`.csv`), or Parquet files, a directory or a glob.
    public static func open(name: String, path: String, options: (String) throws -> ParquetReadOptions) throws -> TableSource {
        if path.lowercased().hasSuffix(".csv") {
            return .csv(try CSVTable(name: name, path: path))
        }
        return .parquet(try ParquetTable(name: name, paths: try DatasetPath.expand(path), options: options))
    }
}
