import Columnar
import CZlib

/// Decodes the pages of one column chunk (already read from the file) into level streams
/// and values. Encrypted chunks are decrypted module by module as the spec lays them out.
struct ColumnChunkReader {
    let descriptor: ColumnDescriptor
    let metadata: ColumnMetaData
    let crypto: ColumnCrypto?
    let verifyChecksums: Bool
    let rowGroup: Int
    let hasDictionaryPage: Bool

    private var context: String { "column '\(descriptor.dottedPath)' in row group \(rowGroup)" }

    func read(chunk: [UInt8]) throws -> LeafData {
        let numValues = Int(clamping: metadata.numValues)
        guard numValues >= 0 else { throw ParquetError(.malformed, "\(context): negative num_values") }
        let maxDef = descriptor.maxDefinitionLevel
        let maxRep = descriptor.maxRepetitionLevel
        var state = PageDecodingState(
            values: ValueBuffer(physical: descriptor.physicalType, typeLength: descriptor.typeLength,
                                capacity: min(numValues, 1 << 20)),
            definitionLevels: maxDef > 0 ? [] : nil,
            repetitionLevels: maxRep > 0 ? [] : nil)
        var position = 0
        var dataPageOrdinal = 0
        while state.entries < numValues {
            guard position < chunk.count else {
                throw ParquetError(.truncated, "\(context): chunk ends after \(state.entries) of \(numValues) values")
            }
            let header = try readHeader(chunk, at: &position, dataPageOrdinal: dataPageOrdinal)
            let isDataPage = header.type == .dataPage || header.type == .dataPageV2
            // Bound memory by the chunk's declared value count before decoding anything.
            let pageValues = Int(header.dataPageHeader?.numValues ?? header.dataPageHeaderV2?.numValues ?? 0)
            if isDataPage && (pageValues < 0 || pageValues > numValues - state.entries) {
                throw ParquetError(.malformed, "\(context): a page claims \(pageValues) values, only \(numValues - state.entries) remain in the chunk")
            }
            let bodyStart = position
            var page = try readBody(chunk, at: &position, header: header,
                                    dataPageOrdinal: isDataPage ? dataPageOrdinal : nil)
            if verifyChecksums, let crc = header.crc {
                // The CRC covers the page as written: after compression and, in encrypted
                // chunks, after encryption (parquet.thrift PageHeader.crc).
                if crypto != nil {
                    try verifyCRC(Array(chunk[bodyStart..<position]), expected: UInt32(bitPattern: crc), pageType: header.type)
                } else {
                    try verifyCRC(page, expected: UInt32(bitPattern: crc), pageType: header.type)
                }
            }
            switch header.type {
            case .dictionaryPage:
                guard let dictHeader = header.dictionaryPageHeader else {
                    throw ParquetError(.malformed, "\(context): dictionary page without its header")
                }
                page = try decompress(page, header: header)
                state.dictionary = try decodeDictionary(page, header: dictHeader)
            case .dataPage:
                guard let v1 = header.dataPageHeader else {
                    throw ParquetError(.malformed, "\(context): data page without its header")
                }
                page = try decompress(page, header: header)
                try decodeV1(page, header: v1, into: &state)
                dataPageOrdinal += 1
            case .dataPageV2:
                guard let v2 = header.dataPageHeaderV2 else {
                    throw ParquetError(.malformed, "\(context): data page v2 without its header")
                }
                try decodeV2(page, pageHeader: header, header: v2, into: &state)
                dataPageOrdinal += 1
            case .indexPage:
                continue
            }
            if state.entries > numValues {
                throw ParquetError(.malformed, "\(context): pages hold \(state.entries) values, metadata says \(numValues)")
            }
        }
        return LeafData(definitionLevels: state.definitionLevels, repetitionLevels: state.repetitionLevels,
                        values: state.values.columnValues, entryCount: state.entries)
    }

    // MARK: - Page framing

    private func readHeader(_ chunk: [UInt8], at position: inout Int, dataPageOrdinal: Int) throws -> PageHeader {
        if let crypto {
            // A dictionary page, when the chunk has one, is the first page.
            let start = position
            let moduleType: ModuleType = (start == 0 && hasDictionaryPage) ? .dictionaryPageHeader : .dataPageHeader
            let plain = try crypto.decryptModule(
                chunk, at: &position, module: moduleType,
                pageOrdinal: moduleType == .dataPageHeader ? dataPageOrdinal : nil, context: context)
            let (header, _) = try plain.withUnsafeBytes { try PageHeader.decode(from: $0) }
            return header
        }
        let (header, length) = try chunk.withUnsafeBytes { buffer in
            try PageHeader.decode(from: UnsafeRawBufferPointer(rebasing: buffer[position...]))
        }
        position += length
        return header
    }

    private func readBody(_ chunk: [UInt8], at position: inout Int, header: PageHeader, dataPageOrdinal: Int?) throws -> [UInt8] {
        if let crypto {
            return try crypto.decryptModule(
                chunk, at: &position, module: dataPageOrdinal == nil ? .dictionaryPage : .dataPage,
                pageOrdinal: dataPageOrdinal, context: context)
        }
        let size = Int(header.compressedPageSize)
        guard size >= 0, size <= chunk.count - position else {
            throw ParquetError(.truncated, "\(context): page of \(header.compressedPageSize) bytes at chunk offset \(position) runs past the chunk (\(chunk.count) bytes)")
        }
        defer { position += size }
        return Array(chunk[position..<position + size])
    }

    private func verifyCRC(_ page: [UInt8], expected: UInt32, pageType: PageType) throws {
        let actual = page.withUnsafeBytes { buffer -> UInt32 in
            guard let base = buffer.baseAddress else { return UInt32(crc32(0, nil, 0)) }
            return UInt32(crc32(0, base.assumingMemoryBound(to: UInt8.self), uInt(buffer.count)))
        }
        guard actual == expected else {
            throw ParquetError(.checksum, "\(context): \(pageType == .dictionaryPage ? "dictionary" : "data") page CRC mismatch (stored \(expected), computed \(actual))")
        }
    }

    private func decompress(_ page: [UInt8], header: PageHeader) throws -> [UInt8] {
        try PageDecompression.decompress(page, codec: metadata.codec,
                                         uncompressedSize: Int(header.uncompressedPageSize), context: context)
    }

    // MARK: - Pages

    private func decodeDictionary(_ page: [UInt8], header: DictionaryPageHeader) throws -> ValueBuffer {
        guard header.encoding == .plain || header.encoding == .plainDictionary else {
            throw ParquetError(.unsupported, "\(context): dictionary page encoding \(header.encoding.name)")
        }
        let count = Int(header.numValues)
        guard count >= 0 else { throw ParquetError(.malformed, "\(context): negative dictionary size") }
        var dictionary = ValueBuffer(physical: descriptor.physicalType, typeLength: descriptor.typeLength, capacity: 0)
        try page.withUnsafeBytes { bytes in
            try ValueDecoding.decode(encoding: .plain, bytes, count: count, descriptor: descriptor,
                                     dictionary: nil, into: &dictionary, context: context)
        }
        return dictionary
    }

    private func decodeV1(_ page: [UInt8], header: DataPageHeader, into state: inout PageDecodingState) throws {
        let count = Int(header.numValues)
        guard count >= 0 else { throw ParquetError(.malformed, "\(context): negative value count in data page") }
        try page.withUnsafeBytes { bytes in
            var offset = 0
            if state.repetitionLevels != nil {
                offset += try LevelDecoding.decodeV1(
                    bytes, from: offset, encoding: header.repetitionLevelEncoding, maxLevel: descriptor.maxRepetitionLevel,
                    count: count, into: &state.repetitionLevels!, context: "\(context): repetition levels")
            }
            var present = count
            if state.definitionLevels != nil {
                let before = state.definitionLevels!.count
                offset += try LevelDecoding.decodeV1(
                    bytes, from: offset, encoding: header.definitionLevelEncoding, maxLevel: descriptor.maxDefinitionLevel,
                    count: count, into: &state.definitionLevels!, context: "\(context): definition levels")
                present = LevelDecoding.countEqual(state.definitionLevels!, from: before, to: descriptor.maxDefinitionLevel)
            }
            try ValueDecoding.decode(encoding: header.encoding, UnsafeRawBufferPointer(rebasing: bytes[offset...]),
                                     count: present, descriptor: descriptor, dictionary: state.dictionary,
                                     into: &state.values, context: context)
        }
        state.entries += count
    }

    private func decodeV2(_ page: [UInt8], pageHeader: PageHeader, header: DataPageHeaderV2,
                          into state: inout PageDecodingState) throws {
        let count = Int(header.numValues)
        let repLength = Int(header.repetitionLevelsByteLength)
        let defLength = Int(header.definitionLevelsByteLength)
        guard count >= 0, repLength >= 0, defLength >= 0, repLength + defLength <= page.count else {
            throw ParquetError(.malformed, "\(context): data page v2 level lengths (\(repLength), \(defLength)) do not fit the page (\(page.count) bytes)")
        }
        var present = count
        try page.withUnsafeBytes { bytes in
            if state.repetitionLevels != nil {
                try LevelDecoding.decodeHybrid(
                    UnsafeRawBufferPointer(rebasing: bytes[0..<repLength]), maxLevel: descriptor.maxRepetitionLevel,
                    count: count, into: &state.repetitionLevels!, context: "\(context): repetition levels")
            }
            if state.definitionLevels != nil {
                let before = state.definitionLevels!.count
                try LevelDecoding.decodeHybrid(
                    UnsafeRawBufferPointer(rebasing: bytes[repLength..<repLength + defLength]),
                    maxLevel: descriptor.maxDefinitionLevel, count: count, into: &state.definitionLevels!,
                    context: "\(context): definition levels")
                present = LevelDecoding.countEqual(state.definitionLevels!, from: before, to: descriptor.maxDefinitionLevel)
            }
        }
        let valueBytes = Array(page[(repLength + defLength)...])
        let uncompressedValues = Int(pageHeader.uncompressedPageSize) - repLength - defLength
        let values: [UInt8]
        if header.isCompressed && metadata.codec != .uncompressed && !valueBytes.isEmpty {
            values = try PageDecompression.decompress(valueBytes, codec: metadata.codec,
                                                      uncompressedSize: uncompressedValues, context: context)
        } else {
            values = valueBytes
        }
        try values.withUnsafeBytes { bytes in
            try ValueDecoding.decode(encoding: header.encoding, bytes, count: present, descriptor: descriptor,
                                     dictionary: state.dictionary, into: &state.values, context: context)
        }
        state.entries += count
    }
}

struct PageDecodingState {
    var values: ValueBuffer
    var definitionLevels: [Int32]?
    var repetitionLevels: [Int32]?
    var dictionary: ValueBuffer?
    var entries = 0
}
