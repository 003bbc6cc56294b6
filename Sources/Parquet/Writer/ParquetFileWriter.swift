import Columnar
import Synchronization

/// Writes a Parquet file from record batches of flat columns, optionally with Parquet Modular
/// Encryption. Row groups are encoded in memory and streamed to `<path>.tmp-<random>`; `close()`
/// writes the footer and renames the file into place. An error, or dropping the writer without
/// `close()`, removes the temporary file, so the path only ever holds a complete file.
public final class ParquetFileWriter: Sendable {
    public let path: String
    public let schema: Schema
    private let state: Mutex<WriterState>

    public init(path: String, schema: Schema, options: ParquetWriteOptions = .init()) throws {
        try options.validate()
        guard !schema.fields.isEmpty else {
            throw ParquetError(.invalidArgument, "a Parquet file needs at least one column")
        }
        var seen = Set<String>()
        for field in schema.fields where !seen.insert(field.name).inserted {
            throw ParquetError(.invalidArgument, "column name '\(field.name)' appears twice in the schema")
        }
        let columns = try schema.fields.map { try WriterColumn(field: $0) }
        let encryption = try options.encryption.map {
            try FileEncryptionPlan(config: $0, leafPaths: columns.map { [$0.name] })
        }
        let file = try AtomicOutputFile(path: path)
        try file.write(FooterWriter.headerMagic(encryption: encryption))
        self.path = path
        self.schema = schema
        self.state = Mutex(WriterState(options: options, columns: columns, encryption: encryption, file: file))
    }

    /// Appends the rows of `batch`, whose schema must equal the writer's (names and types).
    public func write(_ batch: RecordBatch) throws {
        try state.withLock { state in try state.guarded { try $0.write(batch) } }
    }

    /// Ends the current row group now (no-op when it is empty).
    public func flushRowGroup() throws {
        try state.withLock { state in try state.guarded { try $0.flushRowGroup() } }
    }

    /// Writes the footer and moves the file into place. The writer cannot be used afterwards.
    public func close() throws {
        try state.withLock { state in
            try state.guarded { try $0.close() }
        }
    }

    /// Rows written so far (including the open row group).
    public var rowCount: Int64 {
        state.withLock { $0.totalRows + Int64($0.openRows) }
    }
}

struct WriterState {
    enum Phase { case open, closed, failed }

    let options: ParquetWriteOptions
    let settings: ColumnChunkWriter.Settings
    let columns: [WriterColumn]
    let encryption: FileEncryptionPlan?
    let file: AtomicOutputFile
    var phase = Phase.open
    var writers: [ColumnChunkWriter] = []
    var openRows = 0
    var rowGroups: [RowGroup] = []
    var totalRows: Int64 = 0

    init(options: ParquetWriteOptions, columns: [WriterColumn], encryption: FileEncryptionPlan?, file: AtomicOutputFile) {
        self.options = options
        self.settings = ColumnChunkWriter.Settings(options)
        self.columns = columns
        self.encryption = encryption
        self.file = file
    }

    /// Runs `body` in the open phase; any error discards the output (all or nothing).
    mutating func guarded(_ body: (inout WriterState) throws -> Void) throws {
        switch phase {
        case .closed: throw ParquetError(.invalidArgument, "'\(file.path)': the writer is closed")
        case .failed: throw ParquetError(.invalidArgument, "'\(file.path)': the writer failed earlier; nothing was written")
        case .open: break
        }
        do {
            try body(&self)
        } catch {
            phase = .failed
            writers = []
            file.abort()
            throw error
        }
    }

    mutating func write(_ batch: RecordBatch) throws {
        guard batch.columns.count == columns.count else {
            throw ParquetError(.invalidArgument, "batch has \(batch.columns.count) columns, the file \(columns.count)")
        }
        var physical: [ColumnValues] = []
        physical.reserveCapacity(columns.count)
        for (i, (column, target)) in zip(batch.columns, columns).enumerated() {
            let field = batch.schema.fields[i]
            guard field.name == target.name, field.type == target.field.type, column.type == target.field.type else {
                throw ParquetError(.invalidArgument, "batch column \(i) ('\(field.name)', \(column.type)) does not match the file's column '\(target.name)' (\(target.field.type))")
            }
            guard column.count == batch.rowCount else {
                throw ParquetError(.invalidArgument, "column '\(target.name)' has \(column.count) rows, the batch \(batch.rowCount)")
            }
            physical.append(try PhysicalValues.convert(column, for: target))
        }
        var row = 0
        while row < batch.rowCount {
            if writers.isEmpty { try startRowGroup() }
            let n = min(batch.rowCount - row, options.rowGroupRows - openRows)
            for i in columns.indices {
                try writers[i].write(physical[i], validity: batch.columns[i].validity, rows: row..<row + n)
            }
            openRows += n
            row += n
            if openRows >= options.rowGroupRows { try flushRowGroup() }
        }
    }

    private mutating func startRowGroup() throws {
        let ordinal = rowGroups.count
        writers = try columns.enumerated().map { leaf, column in
            try ColumnChunkWriter(column: column, leaf: leaf, rowGroup: ordinal, settings: settings,
                                  encryption: encryption?.columns[leaf])
        }
    }

    mutating func flushRowGroup() throws {
        guard openRows > 0, !writers.isEmpty else { return }
        let ordinal = rowGroups.count
        let groupStart = file.position
        var chunks: [ColumnChunk] = []
        var uncompressed: Int64 = 0
        for leaf in writers.indices {
            let finished = try writers[leaf].finish()
            var metadata = finished.metadata
            let start = file.position
            if !finished.dictionaryPage.isEmpty {
                metadata.dictionaryPageOffset = start
            }
            metadata.dataPageOffset = start + Int64(finished.dictionaryPage.count)
            try file.write(finished.dictionaryPage)
            try file.write(finished.dataPages)
            uncompressed += metadata.totalUncompressedSize
            if let encryption {
                chunks.append(try encryption.chunkEntry(metadata, leaf: leaf, rowGroup: ordinal))
            } else {
                chunks.append(ColumnChunk(fileOffset: 0, metaData: metadata))
            }
        }
        var group = RowGroup(columns: chunks, totalByteSize: uncompressed, numRows: Int64(openRows))
        group.fileOffset = groupStart
        group.totalCompressedSize = file.position - groupStart
        group.ordinal = ordinal <= Int(Int16.max) ? Int16(ordinal) : nil
        rowGroups.append(group)
        totalRows += Int64(openRows)
        openRows = 0
        writers = []
    }

    mutating func close() throws {
        try flushRowGroup()
        var metadata = FileMetaData(version: 1, schema: schemaElements(), numRows: totalRows, rowGroups: rowGroups)
        metadata.keyValueMetadata = options.keyValueMetadata.isEmpty ? nil : options.keyValueMetadata
        metadata.createdBy = options.createdBy
        metadata.columnOrders = Array(repeating: .typeDefinedOrder, count: columns.count)
        try file.write(FooterWriter.tail(metadata: metadata, encryption: encryption))
        try file.commit()
        phase = .closed
    }

    private func schemaElements() -> [SchemaElement] {
        [SchemaElement(name: "schema", numChildren: Int32(columns.count))] + columns.map(\.element)
    }
}
