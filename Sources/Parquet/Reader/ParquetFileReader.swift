import Columnar
import Dispatch
import StrongroomCrypto
import Synchronization

public struct ParquetReadOptions: Sendable {
    /// Keys for encrypted files; nil reads plaintext files and the plaintext columns of
    /// plaintext-footer files.
    public var keys: (any ParquetKeyProvider)?
    /// AAD prefix for files written with "supply AAD prefix" (not stored in the file).
    public var aadPrefix: [UInt8]?
    public var verifyPageChecksums: Bool

    public init(keys: (any ParquetKeyProvider)? = nil, aadPrefix: [UInt8]? = nil, verifyPageChecksums: Bool = true) {
        self.keys = keys
        self.aadPrefix = aadPrefix
        self.verifyPageChecksums = verifyPageChecksums
    }
}

/// What the footer says about encryption, for `inspect`.
public struct FileEncryptionInfo: Sendable, Hashable {
    public var algorithm: EncryptionAlgorithm
    public var footerEncrypted: Bool
    public var footerKeyMetadata: [UInt8]?
    /// For plaintext footers: whether the signature was checked (false when no footer key was available).
    public var footerSignatureVerified: Bool
}

/// Reads a Parquet file, plaintext or PME-encrypted, one row group at a time. Row groups
/// can be read concurrently from several threads.
public final class ParquetFileReader: Sendable {
    public let source: FileSource
    public let metadata: FileMetaData
    public let schema: ParquetSchema
    public let encryption: FileEncryptionInfo?
    let decryptor: FileDecryptor?
    let options: ParquetReadOptions

    public convenience init(path: String, options: ParquetReadOptions = .init()) throws {
        try self.init(source: FileSource(path: path), options: options)
    }

    public init(source: FileSource, options: ParquetReadOptions = .init()) throws {
        self.source = source
        self.options = options
        let footer = try FooterReader(source: source, options: options).read()
        self.metadata = footer.metadata
        self.encryption = footer.encryption
        self.decryptor = footer.decryptor
        do {
            self.schema = try ParquetSchema(elements: footer.metadata.schema)
        } catch let error as ParquetError {
            throw ParquetError(error.code, "\(source.path): \(error.message)")
        }
        try validateRowGroups()
    }

    public var path: String { source.path }
    public var numRows: Int64 { metadata.numRows }
    public var rowGroupCount: Int { metadata.rowGroups.count }

    private func validateRowGroups() throws {
        for (index, group) in metadata.rowGroups.enumerated() {
            guard group.columns.count == schema.columns.count else {
                throw ParquetError(.malformed, "\(path): row group \(index) has \(group.columns.count) column chunks, the schema has \(schema.columns.count) columns")
            }
            guard group.numRows >= 0 else {
                throw ParquetError(.malformed, "\(path): row group \(index) has a negative row count")
            }
        }
    }

    /// Asks the key provider for every key the file's column chunks are encrypted with, without
    /// reading any data (a prefetching provider learns what to fetch this way). Returns the
    /// dotted paths of the columns whose key could not be had; a plaintext file returns none.
    public func columnsWithoutKeys() -> [String] {
        guard let decryptor else { return [] }
        var missing: [String] = []
        for (index, group) in metadata.rowGroups.enumerated() {
            for (column, chunk) in group.columns.enumerated() where chunk.cryptoMetadata != nil {
                let descriptor = schema.columns[column]
                do {
                    _ = try decryptor.columnCrypto(
                        for: chunk, descriptor: descriptor, rowGroup: index, rowGroupOrdinal: group.ordinal, column: column)
                } catch {
                    if !missing.contains(descriptor.dottedPath) { missing.append(descriptor.dottedPath) }
                }
            }
        }
        return missing
    }

    /// The column's metadata, decrypted with the column key when the footer does not carry it.
    public func columnMetaData(rowGroup: Int, column: Int) throws -> ColumnMetaData {
        let chunk = metadata.rowGroups[rowGroup].columns[column]
        let descriptor = schema.columns[column]
        if let encrypted = chunk.encryptedColumnMetadata, case .columnKey = chunk.cryptoMetadata {
            guard let decryptor else {
                throw ParquetError(.missingKey, "\(path): column '\(descriptor.dottedPath)' is encrypted and no keys were given")
            }
            let crypto = try decryptor.columnCrypto(for: chunk, descriptor: descriptor, rowGroup: rowGroup,
                                                rowGroupOrdinal: metadata.rowGroups[rowGroup].ordinal, column: column)
            return try crypto.decryptColumnMetaData(encrypted, context: "\(path): column '\(descriptor.dottedPath)'")
        }
        // Plaintext-footer files also encrypt footer-key columns' metadata (the clear copy is
        // redacted); use the full one when the footer key is at hand.
        if let encrypted = chunk.encryptedColumnMetadata, case .footerKey = chunk.cryptoMetadata,
           let decryptor, try decryptor.footerKeyIfAvailable() != nil {
            let crypto = try decryptor.columnCrypto(for: chunk, descriptor: descriptor, rowGroup: rowGroup,
                                                rowGroupOrdinal: metadata.rowGroups[rowGroup].ordinal, column: column)
            return try crypto.decryptColumnMetaData(encrypted, context: "\(path): column '\(descriptor.dottedPath)'")
        }
        guard let meta = chunk.metaData else {
            throw ParquetError(.malformed, "\(path): column chunk '\(descriptor.dottedPath)' in row group \(rowGroup) has no metadata")
        }
        return meta
    }

    /// Reads the top-level `fields` (all when nil) of one row group. `concurrency` > 1 decodes
    /// up to that many column chunks at once (for when there are fewer row groups than threads).
    public func readRowGroup(_ index: Int, fields: [Int]? = nil, concurrency: Int = 1) throws -> RecordBatch {
        guard index >= 0, index < metadata.rowGroups.count else {
            throw ParquetError(.invalidArgument, "\(path): no row group \(index) (file has \(metadata.rowGroups.count))")
        }
        let group = metadata.rowGroups[index]
        let selected = fields ?? Array(schema.schema.fields.indices)
        var leaves: [Int: LeafData] = [:]
        let wanted = selected.flatMap { schema.fieldLeaves[$0] }
        if concurrency > 1 && wanted.count > 1 {
            for (leaf, data) in zip(wanted, try readColumnChunks(rowGroup: index, columns: wanted, concurrency: concurrency)) {
                leaves[leaf] = data
            }
        } else {
            for leaf in wanted { leaves[leaf] = try readColumnChunk(rowGroup: index, column: leaf) }
        }
        let allLeaves = (0..<schema.columns.count).map {
            leaves[$0] ?? LeafData(definitionLevels: nil, repetitionLevels: nil, values: .int32([]), entryCount: 0)
        }
        let assembler = RecordAssembler(leaves: allLeaves, descriptors: schema.columns)
        var columns: [Column] = []
        for field in selected {
            let column = try assembler.assemble(schema.shapes[field], type: schema.schema.fields[field].type)
            guard column.count == Int(group.numRows) else {
                throw ParquetError(.malformed, "\(path): column '\(schema.schema.fields[field].name)' in row group \(index) has \(column.count) rows, the row group \(group.numRows)")
            }
            columns.append(column)
        }
        let fieldsOut = selected.map { schema.schema.fields[$0] }
        return RecordBatch(schema: Schema(fieldsOut), columns: columns, rowCount: Int(group.numRows))
    }

    /// Column chunks decoded on up to `concurrency` threads, in the order of `columns`.
    private func readColumnChunks(rowGroup: Int, columns: [Int], concurrency: Int) throws -> [LeafData] {
        let results = Mutex<[Int: Result<LeafData, any Error>]>([:])
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: min(concurrency, columns.count)) { _ in
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                if i >= columns.count { return }
                let result = Result { try readColumnChunk(rowGroup: rowGroup, column: columns[i]) }
                results.withLock { $0[i] = result }
            }
        }
        let all = results.withLock { $0 }
        return try columns.indices.map { try all[$0]!.get() }
    }

    func readColumnChunk(rowGroup: Int, column: Int) throws -> LeafData {
        let descriptor = schema.columns[column]
        let chunk = metadata.rowGroups[rowGroup].columns[column]
        let context = "\(path): column '\(descriptor.dottedPath)' in row group \(rowGroup)"
        if chunk.filePath != nil {
            throw ParquetError(.unsupported, "\(context) lives in another file (file_path); external column chunks are not supported")
        }
        let meta = try columnMetaData(rowGroup: rowGroup, column: column)
        guard meta.type == descriptor.physicalType else {
            throw ParquetError(.malformed, "\(context): chunk type \(meta.type.name) differs from schema type \(descriptor.physicalType.name)")
        }
        var crypto: ColumnCrypto?
        if chunk.cryptoMetadata != nil {
            guard let decryptor else {
                throw ParquetError(.missingKey, "\(context) is encrypted and no keys were given")
            }
            crypto = try decryptor.columnCrypto(for: chunk, descriptor: descriptor, rowGroup: rowGroup,
                                                rowGroupOrdinal: metadata.rowGroups[rowGroup].ordinal, column: column)
        }
        if meta.numValues == 0 {
            return LeafData(definitionLevels: descriptor.maxDefinitionLevel > 0 ? [] : nil,
                            repetitionLevels: descriptor.maxRepetitionLevel > 0 ? [] : nil,
                            values: ValueBuffer(physical: descriptor.physicalType, typeLength: descriptor.typeLength,
                                                capacity: 0).columnValues,
                            entryCount: 0)
        }
        let hasDictionary = (meta.dictionaryPageOffset ?? 0) > 0 && meta.dictionaryPageOffset! < meta.dataPageOffset
        let start = hasDictionary ? meta.dictionaryPageOffset! : meta.dataPageOffset
        let length = meta.totalCompressedSize
        guard start >= 4, length >= 0, start <= Int64(source.size), length <= Int64(source.size) - start else {
            throw ParquetError(.malformed, "\(context): chunk range \(start)+\(length) lies outside the file (\(source.size) bytes)")
        }
        let bytes = try source.read(offset: Int(start), count: Int(length), what: context)
        do {
            return try ColumnChunkReader(descriptor: descriptor, metadata: meta, crypto: crypto,
                                         verifyChecksums: options.verifyPageChecksums, rowGroup: rowGroup,
                                         hasDictionaryPage: hasDictionary).read(chunk: bytes)
        } catch let error as ParquetError {
            throw ParquetError(error.code, "\(path): \(error.message)", cause: error.cause)
        }
    }

    /// Reads all row groups into batches (one per row group).
    public func readAll(fields: [Int]? = nil) throws -> [RecordBatch] {
        try (0..<rowGroupCount).map { try readRowGroup($0, fields: fields) }
    }
}
