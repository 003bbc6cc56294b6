import Columnar
import CZlib
import ParquetCodecs
import StrongroomCrypto

/// Decodes the pages of one column chunk (already read from the file) into level streams
/// and values. Encrypted chunks are decrypted module by module as the spec lays them out.
///
/// Flat columns (no repetition, at most one optional level) are decoded straight into dense
/// row-aligned arrays with a validity mask; nested ones keep their level streams for record
/// assembly.
struct ColumnChunkReader {
    let descriptor: ColumnDescriptor
    let metadata: ColumnMetaData
    let crypto: ColumnCrypto?
    let verifyChecksums: Bool
    let rowGroup: Int
    let hasDictionaryPage: Bool

    private var context: String { "column '\(descriptor.dottedPath)' in row group \(rowGroup)" }
    private var isFlat: Bool { descriptor.maxRepetitionLevel == 0 && descriptor.maxDefinitionLevel <= 1 }

    func read(chunk: [UInt8]) throws -> LeafData {
        let numValues = Int(clamping: metadata.numValues)
        guard numValues >= 0 else { throw ParquetError(.malformed, "\(context): negative num_values") }
        var state = PageDecodingState(
            values: ValueBuffer(physical: descriptor.physicalType, typeLength: descriptor.typeLength,
                                capacity: min(numValues, 1 << 20)),
            definitionLevels: !isFlat && descriptor.maxDefinitionLevel > 0 ? [] : nil,
            repetitionLevels: descriptor.maxRepetitionLevel > 0 ? [] : nil)
        let scratch = PageScratch()
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
            let decrypted = try crypto.map {
                try scratch.decrypt(chunk, at: &position, crypto: $0, module: isDataPage ? .dataPage : .dictionaryPage,
                                    pageOrdinal: isDataPage ? dataPageOrdinal : nil, context: context)
            }
            if decrypted == nil {
                let size = Int(header.compressedPageSize)
                guard size <= chunk.count - position else {
                    throw ParquetError(.truncated, "\(context): page of \(size) bytes at chunk offset \(position) runs past the chunk (\(chunk.count) bytes)")
                }
                position += size
            }
            // parquet.thrift: the CRC covers the page "as written to disk", i.e. after
            // compression and, in encrypted files, after encryption.
            if verifyChecksums, let crc = header.crc {
                try verifyCRC(chunk[bodyStart..<position], expected: UInt32(bitPattern: crc), pageType: header.type)
            }
            try withBody(decrypted, chunk: chunk, range: bodyStart..<position) { body in
                switch header.type {
                case .dictionaryPage:
                    guard let dictHeader = header.dictionaryPageHeader else {
                        throw ParquetError(.malformed, "\(context): dictionary page without its header")
                    }
                    let page = try scratch.decompress(body, codec: metadata.codec,
                                                      uncompressedSize: Int(header.uncompressedPageSize), context: context)
                    state.dictionary = try decodeDictionary(page, header: dictHeader)
                case .dataPage:
                    guard let v1 = header.dataPageHeader else {
                        throw ParquetError(.malformed, "\(context): data page without its header")
                    }
                    let page = try scratch.decompress(body, codec: metadata.codec,
                                                      uncompressedSize: Int(header.uncompressedPageSize), context: context)
                    try decodeV1(page, header: v1, into: &state, scratch: &scratch.levels)
                    dataPageOrdinal += 1
                case .dataPageV2:
                    guard let v2 = header.dataPageHeaderV2 else {
                        throw ParquetError(.malformed, "\(context): data page v2 without its header")
                    }
                    try decodeV2(body, pageHeader: header, header: v2, into: &state, scratch: scratch)
                    dataPageOrdinal += 1
                case .indexPage:
                    break
                }
            }
        }
        // A chunk starts a new record: a first repetition level above 0 would attach its values
        // to a record of another chunk.
        if let rep = state.repetitionLevels, let first = rep.first, first != 0 {
            throw ParquetError(.malformed, "\(context): the first repetition level is \(first), not 0")
        }
        return LeafData(definitionLevels: state.definitionLevels, repetitionLevels: state.repetitionLevels,
                        values: state.values.columnValues, entryCount: state.entries,
                        denseValidity: isFlat ? .some(state.validity) : nil)
    }

    /// Runs `body` on the page bytes: the decrypted module, or the range of the chunk.
    private func withBody(_ decrypted: UnsafeRawBufferPointer?, chunk: [UInt8], range: Range<Int>,
                          _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        if let decrypted { return try body(decrypted) }
        try chunk.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    // MARK: - Page framing

    private func readHeader(_ chunk: [UInt8], at position: inout Int, dataPageOrdinal: Int) throws -> PageHeader {
        if let crypto {
            // A dictionary page, when the chunk has one, is the first page.
            let moduleType: ModuleType = (position == 0 && hasDictionaryPage) ? .dictionaryPageHeader : .dataPageHeader
            let plain = try crypto.decryptModule(
                chunk, at: &position, module: moduleType,
                pageOrdinal: moduleType == .dataPageHeader ? dataPageOrdinal : nil, context: context)
            return try plain.withUnsafeBytes { try PageHeader.decode(from: $0) }.value
        }
        let (header, length) = try chunk.withUnsafeBytes { buffer in
            try PageHeader.decode(from: UnsafeRawBufferPointer(rebasing: buffer[position...]))
        }
        position += length
        return header
    }

    private func verifyCRC(_ page: ArraySlice<UInt8>, expected: UInt32, pageType: PageType) throws {
        let actual = page.withUnsafeBytes { buffer -> UInt32 in
            guard let base = buffer.baseAddress else { return UInt32(crc32(0, nil, 0)) }
            return UInt32(crc32(0, base.assumingMemoryBound(to: UInt8.self), uInt(buffer.count)))
        }
        guard actual == expected else {
            throw ParquetError(.checksum, "\(context): \(pageType == .dictionaryPage ? "dictionary" : "data") page CRC mismatch (stored \(expected), computed \(actual))")
        }
    }

    // MARK: - Pages

    private func decodeDictionary(_ page: UnsafeRawBufferPointer, header: DictionaryPageHeader) throws -> ValueBuffer {
        guard header.encoding == .plain || header.encoding == .plainDictionary else {
            throw ParquetError(.unsupported, "\(context): dictionary page encoding \(header.encoding.name)")
        }
        let count = Int(header.numValues)
        guard count >= 0 else { throw ParquetError(.malformed, "\(context): negative dictionary size") }
        var dictionary = ValueBuffer(physical: descriptor.physicalType, typeLength: descriptor.typeLength, capacity: 0)
        try ValueDecoding.decode(encoding: .plain, page, count: count, descriptor: descriptor,
                                 dictionary: nil, into: &dictionary, context: context)
        return dictionary
    }

    private func decodeV1(_ bytes: UnsafeRawBufferPointer, header: DataPageHeader, into state: inout PageDecodingState,
                          scratch levels: inout [Int32]) throws {
        let count = Int(header.numValues)
        var offset = 0
        if state.repetitionLevels != nil {
            offset += try LevelDecoding.decodeV1(
                bytes, from: offset, encoding: header.repetitionLevelEncoding, maxLevel: descriptor.maxRepetitionLevel,
                count: count, into: &state.repetitionLevels!, context: "\(context): repetition levels")
        }
        if isFlat {
            var present = count
            if descriptor.maxDefinitionLevel > 0 {
                levels.removeAll(keepingCapacity: true)
                offset += try LevelDecoding.decodeV1(
                    bytes, from: offset, encoding: header.definitionLevelEncoding, maxLevel: 1,
                    count: count, into: &levels, context: "\(context): definition levels")
                present = LevelDecoding.countEqual(levels, from: 0, to: 1)
            }
            try appendFlat(UnsafeRawBufferPointer(rebasing: bytes[offset...]), encoding: header.encoding,
                           count: count, present: present, levels: levels, into: &state)
            return
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
        state.entries += count
    }

    private func decodeV2(_ page: UnsafeRawBufferPointer, pageHeader: PageHeader, header: DataPageHeaderV2,
                          into state: inout PageDecodingState, scratch: PageScratch) throws {
        let count = Int(header.numValues)
        let repLength = Int(header.repetitionLevelsByteLength)
        let defLength = Int(header.definitionLevelsByteLength)
        guard repLength + defLength <= page.count else {
            throw ParquetError(.malformed, "\(context): data page v2 level lengths (\(repLength), \(defLength)) do not fit the page (\(page.count) bytes)")
        }
        if state.repetitionLevels != nil {
            try LevelDecoding.decodeHybrid(
                UnsafeRawBufferPointer(rebasing: page[0..<repLength]), maxLevel: descriptor.maxRepetitionLevel,
                count: count, into: &state.repetitionLevels!, context: "\(context): repetition levels")
        }
        let definitionBytes = UnsafeRawBufferPointer(rebasing: page[repLength..<repLength + defLength])
        var present = count
        if isFlat {
            scratch.levels.removeAll(keepingCapacity: true)
            if descriptor.maxDefinitionLevel > 0 {
                try LevelDecoding.decodeHybrid(definitionBytes, maxLevel: 1, count: count, into: &scratch.levels,
                                               context: "\(context): definition levels")
                present = LevelDecoding.countEqual(scratch.levels, from: 0, to: 1)
            }
        } else if state.definitionLevels != nil {
            let before = state.definitionLevels!.count
            try LevelDecoding.decodeHybrid(definitionBytes, maxLevel: descriptor.maxDefinitionLevel, count: count,
                                           into: &state.definitionLevels!, context: "\(context): definition levels")
            present = LevelDecoding.countEqual(state.definitionLevels!, from: before, to: descriptor.maxDefinitionLevel)
        }
        let valueBytes = UnsafeRawBufferPointer(rebasing: page[(repLength + defLength)...])
        let uncompressedValues = Int(pageHeader.uncompressedPageSize) - repLength - defLength
        let values: UnsafeRawBufferPointer
        if header.isCompressed && metadata.codec != .uncompressed && !valueBytes.isEmpty {
            values = try scratch.decompress(valueBytes, codec: metadata.codec, uncompressedSize: uncompressedValues,
                                            context: context)
        } else {
            values = valueBytes
        }
        if isFlat {
            try appendFlat(values, encoding: header.encoding, count: count, present: present,
                           levels: scratch.levels, into: &state)
            return
        }
        try ValueDecoding.decode(encoding: header.encoding, values, count: present, descriptor: descriptor,
                                 dictionary: state.dictionary, into: &state.values, context: context)
        state.entries += count
    }

    /// Flat columns: values go to their row slots directly; nulls get placeholders and a
    /// validity flag (the mask is created at the first null).
    private func appendFlat(_ bytes: UnsafeRawBufferPointer, encoding: Encoding, count: Int, present: Int,
                            levels: [Int32], into state: inout PageDecodingState) throws {
        if present == count {
            try ValueDecoding.decode(encoding: encoding, bytes, count: count, descriptor: descriptor,
                                     dictionary: state.dictionary, into: &state.values, context: context)
            if state.validity != nil { state.validity!.append(contentsOf: repeatElement(true, count: count)) }
        } else {
            var compact = ValueBuffer(physical: descriptor.physicalType, typeLength: descriptor.typeLength, capacity: present)
            try ValueDecoding.decode(encoding: encoding, bytes, count: present, descriptor: descriptor,
                                     dictionary: state.dictionary, into: &compact, context: context)
            state.values.appendScattered(compact, levels: levels)
            if state.validity == nil { state.validity = [Bool](repeating: true, count: state.entries) }
            let start = state.validity!.count
            state.validity!.append(contentsOf: repeatElement(false, count: count))
            state.validity!.withUnsafeMutableBufferPointer { v in
                levels.withUnsafeBufferPointer { l in
                    for i in 0..<count { v[start &+ i] = l[i] == 1 }
                }
            }
        }
        state.entries += count
    }
}

struct PageDecodingState {
    var values: ValueBuffer
    var definitionLevels: [Int32]?
    var repetitionLevels: [Int32]?
    /// Flat columns only: nil while every row so far is present.
    var validity: [Bool]?
    var dictionary: ValueBuffer?
    var entries = 0
}

/// Buffers reused from page to page of a chunk. A class so the decompression buffer is
/// plain owned memory whose address stays valid between calls.
final class PageScratch {
    private var buffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private var plaintext = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    var levels: [Int32] = []

    deinit {
        buffer.deallocate()
        // Decrypted pages are data: do not leave them in freed memory.
        if plaintext.baseAddress != nil { zeroize(plaintext) }
        plaintext.deallocate()
    }

    /// Decrypts the page module at `position` into the reused plaintext buffer; valid until
    /// the next call.
    func decrypt(_ chunk: [UInt8], at position: inout Int, crypto: ColumnCrypto, module: ModuleType,
                 pageOrdinal: Int?, context: String) throws -> UnsafeRawBufferPointer {
        let decryptor = ModuleDecryptor(usesCTRForPageData: crypto.algorithm.isCTRForPageData, key: crypto.key,
                                        fileAAD: crypto.fileAAD)
        let aad = try ModuleAAD.make(fileAAD: crypto.fileAAD, module: module, rowGroup: crypto.rowGroup,
                                     column: crypto.column, page: pageOrdinal)
        return try chunk.withUnsafeBytes { raw in
            let count = try decryptor.plaintextByteCount(in: raw, at: position, module: module, context: context)
            if plaintext.count < count {
                if plaintext.baseAddress != nil { zeroize(plaintext) }
                plaintext.deallocate()
                plaintext = .allocate(byteCount: max(count, plaintext.count * 2), alignment: 16)
            }
            let output = UnsafeMutableRawBufferPointer(rebasing: plaintext[0..<count])
            position += try decryptor.decrypt(raw, at: position, module: module, aad: aad, context: context, into: output)
            return UnsafeRawBufferPointer(output)
        }
    }

    /// The page decompressed into the reused buffer (or the input itself when uncompressed).
    /// The result is valid until the next call.
    func decompress(_ input: UnsafeRawBufferPointer, codec: CompressionCodec, uncompressedSize: Int,
                    context: String) throws -> UnsafeRawBufferPointer {
        if codec == .uncompressed {
            guard input.count == uncompressedSize else {
                throw ParquetError(.malformed, "\(context): uncompressed page has \(input.count) bytes, header says \(uncompressedSize)")
            }
            return input
        }
        guard uncompressedSize >= 0, uncompressedSize <= PageDecompression.maxPageSize else {
            throw ParquetError(.malformed, "\(context): page claims \(uncompressedSize) uncompressed bytes")
        }
        guard let pageCodec = PageCodec(thriftID: codec.rawValue) else {
            throw ParquetError(.unsupported, "\(context): compression codec \(codec.name) is not supported")
        }
        if buffer.count < uncompressedSize {
            buffer.deallocate()
            buffer = .allocate(byteCount: max(uncompressedSize, buffer.count * 2), alignment: 16)
        }
        let output = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<uncompressedSize])
        do {
            try Codecs.decompress(pageCodec, input, into: output)
        } catch {
            throw ParquetError(.malformed, "\(context): \(error.description)", cause: error)
        }
        return UnsafeRawBufferPointer(output)
    }
}
