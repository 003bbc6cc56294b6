import Columnar
import Parquet

/// A table made of Parquet files with the same schema. Its unit of parallel work (a morsel)
/// is one row group of one file; each can be read on its own, with a projection.
public final class ParquetTable: Sendable {
    public struct Morsel: Sendable, Hashable {
        public var file: Int
        public var rowGroup: Int
        public var rowCount: Int
    }

    public let name: String
    public let schema: Schema
    public let readers: [ParquetFileReader]
    public let morsels: [Morsel]

    /// `options` gives the read options (keys, AAD prefix) for each file.
    public init(name: String, paths: [String], options: (String) throws -> ParquetReadOptions) throws {
        precondition(!paths.isEmpty, "a table needs at least one file")
        self.name = name
        let readers = try paths.map { try ParquetFileReader(path: $0, options: options($0)) }
        let schema = readers[0].schema.schema
        for reader in readers.dropFirst() where !Self.sameShape(reader.schema.schema, schema) {
            throw SourceError(.schemaMismatch,
                              "table '\(name)': '\(reader.path)' has a different schema than '\(readers[0].path)'")
        }
        self.readers = readers
        self.schema = schema
        var morsels: [Morsel] = []
        for (f, reader) in readers.enumerated() {
            for (g, group) in reader.metadata.rowGroups.enumerated() where group.numRows > 0 {
                morsels.append(Morsel(file: f, rowGroup: g, rowCount: Int(group.numRows)))
            }
        }
        self.morsels = morsels
    }

    /// Field names compare case-insensitively (Spark SQL); types must be equal.
    static func sameShape(_ a: Schema, _ b: Schema) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy {
            $0.name.lowercased() == $1.name.lowercased() && $0.type == $1.type
        }
    }

    /// Total rows from the footers (what `count(*)` without a filter needs).
    public var rowCount: Int { morsels.reduce(0) { $0 + $1.rowCount } }

    /// Reads the top-level fields `columns` of one morsel, decoding up to `concurrency` columns at once.
    public func scan(_ morsel: Morsel, columns: [Int], concurrency: Int = 1) throws -> RecordBatch {
        try readers[morsel.file].readRowGroup(morsel.rowGroup, fields: columns, concurrency: concurrency)
    }

    /// Statistics of a flat top-level column in one morsel, for pruning; nil when unknown
    /// (nested columns, no statistics, or untrustworthy order).
    public func statistics(_ morsel: Morsel, column: Int) throws -> ColumnStatistics? {
        let reader = readers[morsel.file]
        let leaves = reader.schema.fieldLeaves[column]
        guard leaves.count == 1, reader.schema.columns[leaves.lowerBound].maxRepetitionLevel == 0 else { return nil }
        return try reader.statistics(rowGroup: morsel.rowGroup, column: leaves.lowerBound)
    }
}
