/// Copies a Parquet file page by page without decoding values — the engine of
/// `strongroom parquet encrypt` / `decrypt`. Pages of an encrypted source are decrypted with
/// `readOptions`' keys, then written plaintext or encrypted under `encryption`. Codec, encodings,
/// statistics, key-value metadata, CRC presence (recomputed over the bytes as written) and row
/// groups are kept; offsets and sizes are recomputed; page indexes and Bloom filters are dropped.
/// Nested columns are copied like flat ones. The output appears only when complete.
public struct ParquetFileRewriter: Sendable {
    public var readOptions: ParquetReadOptions
    /// nil writes a plaintext file.
    public var encryption: ParquetEncryptionConfig?

    public init(readOptions: ParquetReadOptions = .init(), encryption: ParquetEncryptionConfig?) {
        self.readOptions = readOptions
        self.encryption = encryption
    }

    /// `progress` is called after each row group with (row groups done, row groups in the file).
    public func rewrite(from sourcePath: String, to destinationPath: String,
                        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws {
        let reader = try ParquetFileReader(path: sourcePath, options: readOptions)
        let plan = try encryption.map { try FileEncryptionPlan(config: $0, leafPaths: reader.schema.columns.map(\.path)) }
        let file = try AtomicOutputFile(path: destinationPath)
        do {
            try file.write(FooterWriter.headerMagic(encryption: plan))
            var rowGroups: [RowGroup] = []
            for (index, group) in reader.metadata.rowGroups.enumerated() {
                rowGroups.append(try copyRowGroup(index, group, reader: reader, plan: plan, file: file))
                progress(index + 1, reader.metadata.rowGroups.count)
            }
            var metadata = reader.metadata
            metadata.rowGroups = rowGroups
            metadata.encryptionAlgorithm = nil
            metadata.footerSigningKeyMetadata = nil
            try file.write(FooterWriter.tail(metadata: metadata, encryption: plan))
            try file.commit()
        } catch {
            file.abort()
            throw error
        }
    }

    private func copyRowGroup(_ index: Int, _ group: RowGroup, reader: ParquetFileReader, plan: FileEncryptionPlan?,
                              file: AtomicOutputFile) throws -> RowGroup {
        let groupStart = file.position
        var chunks: [ColumnChunk] = []
        var uncompressed: Int64 = 0
        for leaf in reader.schema.columns.indices {
            var metadata = try copyChunk(rowGroup: index, leaf: leaf, reader: reader, plan: plan, file: file)
            metadata.indexPageOffset = nil
            metadata.bloomFilterOffset = nil
            metadata.bloomFilterLength = nil
            uncompressed += metadata.totalUncompressedSize
            if let plan {
                chunks.append(try plan.chunkEntry(metadata, leaf: leaf, rowGroup: index))
            } else {
                chunks.append(ColumnChunk(fileOffset: 0, metaData: metadata))
            }
        }
        var copy = group
        copy.columns = chunks
        copy.totalByteSize = uncompressed
        copy.fileOffset = groupStart
        copy.totalCompressedSize = file.position - groupStart
        // parquet-cpp takes the module AADs' row group ordinal from this field; many plaintext
        // sources leave it unset.
        copy.ordinal = index <= Int(Int16.max) ? Int16(index) : nil
        return copy
    }

    /// Copies one column chunk; returns its metadata with the new offsets and sizes.
    private func copyChunk(rowGroup: Int, leaf: Int, reader: ParquetFileReader, plan: FileEncryptionPlan?,
                           file: AtomicOutputFile) throws -> ColumnMetaData {
        let descriptor = reader.schema.columns[leaf]
        let source = reader.metadata.rowGroups[rowGroup].columns[leaf]
        let context = "\(reader.path): column '\(descriptor.dottedPath)' in row group \(rowGroup)"
        guard source.filePath == nil else {
            throw ParquetError(.unsupported, "\(context) lives in another file (file_path); external column chunks are not supported")
        }
        var metadata = try reader.columnMetaData(rowGroup: rowGroup, column: leaf)
        var crypto: ColumnCrypto?
        if source.cryptoMetadata != nil {
            guard let decryptor = reader.decryptor else {
                throw ParquetError(.missingKey, "\(context) is encrypted and no keys were given")
            }
            crypto = try decryptor.columnCrypto(for: source, descriptor: descriptor, rowGroup: rowGroup,
                                              rowGroupOrdinal: reader.metadata.rowGroups[rowGroup].ordinal, column: leaf)
        }
        let hasDictionary = (metadata.dictionaryPageOffset ?? 0) > 0 && metadata.dictionaryPageOffset! < metadata.dataPageOffset
        let start = hasDictionary ? metadata.dictionaryPageOffset! : metadata.dataPageOffset
        let length = metadata.totalCompressedSize
        guard start >= 4, length >= 0, start <= Int64(reader.source.size), length <= Int64(reader.source.size) - start else {
            throw ParquetError(.malformed, "\(context): chunk range \(start)+\(length) lies outside the file (\(reader.source.size) bytes)")
        }
        let bytes = try reader.source.read(offset: Int(start), count: Int(length), what: context)
        var walker = SourcePageWalker(chunk: bytes, crypto: crypto, hasDictionaryPage: hasDictionary,
                                      verifyChecksums: readOptions.verifyPageChecksums, context: context)
        var framer = try PageFramer(checksums: false, encryption: plan?.columns[leaf], rowGroup: rowGroup, column: leaf)
        var dictionaryPage: [UInt8] = []
        var dataPages: [UInt8] = []
        var uncompressed: Int64 = 0
        var values: Int64 = 0
        while values < metadata.numValues, let page = try walker.next() {
            switch page.header.type {
            case .indexPage:
                continue
            case .dictionaryPage:
                guard dataPages.isEmpty, dictionaryPage.isEmpty else {
                    throw ParquetError(.malformed, "\(context): a dictionary page that is not the chunk's first page")
                }
                framer.checksums = page.header.crc != nil
                let headerSize = try page.body.withUnsafeBytes { try framer.append(header: page.header, body: $0, to: &dictionaryPage) }
                uncompressed += Int64(headerSize) + Int64(page.header.uncompressedPageSize)
            case .dataPage, .dataPageV2:
                framer.checksums = page.header.crc != nil
                let headerSize = try page.body.withUnsafeBytes { try framer.append(header: page.header, body: $0, to: &dataPages) }
                uncompressed += Int64(headerSize) + Int64(page.header.uncompressedPageSize)
                values += Int64(page.header.dataPageHeader?.numValues ?? page.header.dataPageHeaderV2?.numValues ?? 0)
            }
        }
        guard values == metadata.numValues else {
            throw ParquetError(.malformed, "\(context): pages hold \(values) values, the metadata says \(metadata.numValues)")
        }
        let chunkStart = file.position
        metadata.dictionaryPageOffset = dictionaryPage.isEmpty ? nil : chunkStart
        metadata.dataPageOffset = chunkStart + Int64(dictionaryPage.count)
        metadata.totalCompressedSize = Int64(dictionaryPage.count + dataPages.count)
        metadata.totalUncompressedSize = uncompressed
        try file.write(dictionaryPage)
        try file.write(dataPages)
        return metadata
    }
}

/// Reads the pages of one stored column chunk: headers decoded, bodies as stored (compressed),
/// decrypted when the chunk is encrypted; the CRC, when present, is checked over the bytes as
/// stored before they are trusted.
struct SourcePageWalker {
    let chunk: [UInt8]
    let crypto: ColumnCrypto?
    let hasDictionaryPage: Bool
    let verifyChecksums: Bool
    let context: String
    private var position = 0
    private var dataPageOrdinal = 0

    init(chunk: [UInt8], crypto: ColumnCrypto?, hasDictionaryPage: Bool, verifyChecksums: Bool, context: String) {
        self.chunk = chunk
        self.crypto = crypto
        self.hasDictionaryPage = hasDictionaryPage
        self.verifyChecksums = verifyChecksums
        self.context = context
    }

    struct Page {
        var header: PageHeader
        var body: [UInt8]
    }

    mutating func next() throws -> Page? {
        guard position < chunk.count else { return nil }
        let header: PageHeader
        if let crypto {
            let module: ModuleType = (position == 0 && hasDictionaryPage) ? .dictionaryPageHeader : .dataPageHeader
            let plain = try crypto.decryptModule(chunk, at: &position, module: module,
                                                 pageOrdinal: module == .dataPageHeader ? dataPageOrdinal : nil, context: context)
            header = try plain.withUnsafeBytes { try PageHeader.decode(from: $0) }.value
        } else {
            let (decoded, length) = try chunk.withUnsafeBytes { buffer in
                try PageHeader.decode(from: UnsafeRawBufferPointer(rebasing: buffer[position...]))
            }
            header = decoded
            position += length
        }
        let isData = header.type == .dataPage || header.type == .dataPageV2
        let bodyStart = position
        let body: [UInt8]
        if let crypto, header.type != .indexPage {
            body = try crypto.decryptModule(chunk, at: &position, module: isData ? .dataPage : .dictionaryPage,
                                            pageOrdinal: isData ? dataPageOrdinal : nil, context: context)
        } else {
            let size = Int(header.compressedPageSize)
            guard size >= 0, size <= chunk.count - position else {
                throw ParquetError(.truncated, "\(context): page of \(header.compressedPageSize) bytes at chunk offset \(position) runs past the chunk (\(chunk.count) bytes)")
            }
            body = Array(chunk[position..<position + size])
            position += size
        }
        if verifyChecksums, let crc = header.crc {
            let actual = chunk.withUnsafeBytes { PageFramer.crc32(UnsafeRawBufferPointer(rebasing: $0[bodyStart..<position])) }
            guard actual == UInt32(bitPattern: crc) else {
                throw ParquetError(.checksum, "\(context): page CRC mismatch at chunk offset \(bodyStart) (stored \(UInt32(bitPattern: crc)), computed \(actual))")
            }
        }
        if isData { dataPageOrdinal += 1 }
        return Page(header: header, body: body)
    }
}
