import Columnar
import ParquetCodecs

/// Encodes one flat column of one row group into framed pages held in memory: definition
/// levels (RLE), values dictionary-encoded with PLAIN fallback (as parquet-cpp: once the
/// dictionary outgrows its limit the rest of the chunk is PLAIN), compression, encryption.
struct ColumnChunkWriter {
    let column: WriterColumn
    let leaf: Int
    let settings: Settings
    private var framer: PageFramer

    struct Settings {
        var codec: CompressionCodec
        var pageCodec: PageCodec?
        var compressionLevel: Int?
        var pageVersion: ParquetWriteOptions.DataPageVersion
        var dataPageBytes: Int
        var dataPageRows: Int
        var dictionaryPageBytes: Int
        var dictionaryEnabled: Bool
        var statistics: Bool
        var maxStatisticsValueBytes: Int
        var checksums: Bool

        init(_ options: ParquetWriteOptions) {
            codec = options.codec
            pageCodec = PageCodec(thriftID: options.codec.rawValue)
            compressionLevel = options.compressionLevel
            pageVersion = options.dataPageVersion
            dataPageBytes = options.dataPageBytes
            dataPageRows = min(options.dataPageRows, Int(Int32.max))
            dictionaryPageBytes = options.dictionaryPageBytes
            dictionaryEnabled = options.dictionaryEnabled
            statistics = options.statistics
            maxStatisticsValueBytes = options.maxStatisticsValueBytes
            checksums = options.pageChecksums
        }
    }

    /// Rows per encoding step: large enough for tight loops, small enough to cut pages near target.
    static let stepRows = 4096

    // Chunk state.
    private var dataPages: [UInt8] = []
    private var uncompressedBytes: Int64 = 0
    private var entryCount: Int64 = 0
    private var statistics: ChunkStatistics
    private var pageEncodingCounts: [Encoding: Int32] = [:]
    private var dictionaryPageCount = 0
    private var useDictionary: Bool
    private var dictInt32: DictionaryBuilder<Int32>?
    private var dictInt64: DictionaryBuilder<Int64>?
    private var dictFloat: DictionaryBuilder<Float>?
    private var dictDouble: DictionaryBuilder<Double>?
    private var dictBytes: ByteArrayDictionaryBuilder?

    // Current page.
    private var pageRows = 0
    private var pageNulls = 0
    private var pageLevels: [UInt8] = []
    private var pagePlain: [UInt8] = []
    private var pageBooleans: [Bool] = []

    // Scratch for compacting the present values of a step.
    private var scratch32: [Int32] = []
    private var scratch64: [Int64] = []
    private var scratchFloat: [Float] = []
    private var scratchDouble: [Double] = []
    private var scratchBool: [Bool] = []
    private var scratchFixed: [UInt8] = []

    init(column: WriterColumn, leaf: Int, rowGroup: Int, settings: Settings, encryption: ColumnEncryptionPlan?) throws {
        self.column = column
        self.leaf = leaf
        self.settings = settings
        self.framer = try PageFramer(checksums: settings.checksums, encryption: encryption, rowGroup: rowGroup, column: leaf)
        self.statistics = ChunkStatistics(order: column.order, physical: column.physical)
        self.useDictionary = settings.dictionaryEnabled && column.physical != .boolean
        if useDictionary {
            let limit = settings.dictionaryPageBytes
            switch column.physical {
            case .int32: dictInt32 = DictionaryBuilder(byteLimit: limit)
            case .int64: dictInt64 = DictionaryBuilder(byteLimit: limit)
            case .float: dictFloat = DictionaryBuilder(byteLimit: limit)
            case .double: dictDouble = DictionaryBuilder(byteLimit: limit)
            case .byteArray, .fixedLenByteArray: dictBytes = ByteArrayDictionaryBuilder(byteLimit: limit)
            case .boolean, .int96: useDictionary = false
            }
        }
    }

    // MARK: - Writing values

    /// Appends rows `rows` of `values` (physical storage, one slot per row) with `validity`.
    mutating func write(_ values: ColumnValues, validity: [Bool]?, rows: Range<Int>) throws {
        var row = rows.lowerBound
        while row < rows.upperBound {
            let n = min(rows.upperBound - row, settings.dataPageRows - pageRows, Self.stepRows)
            try writeStep(values, validity: validity, rows: row..<row + n)
            row += n
            if pageRows >= settings.dataPageRows || pageByteEstimate >= settings.dataPageBytes {
                try flushPage()
            }
        }
    }

    private var pageByteEstimate: Int {
        let indices = currentIndexCount
        let indexBytes = indices == 0 ? 0 : (indices * currentIndexBitWidth + 7) / 8 + 1
        return pagePlain.count + (pageBooleans.count + 7) / 8 + indexBytes + pageLevels.count / 8
    }

    private var currentIndexCount: Int {
        dictInt32?.indices.count ?? dictInt64?.indices.count ?? dictFloat?.indices.count
            ?? dictDouble?.indices.count ?? dictBytes?.indices.count ?? 0
    }

    private var currentIndexBitWidth: Int {
        dictInt32?.indexBitWidth ?? dictInt64?.indexBitWidth ?? dictFloat?.indexBitWidth
            ?? dictDouble?.indexBitWidth ?? dictBytes?.indexBitWidth ?? 0
    }

    private mutating func writeStep(_ values: ColumnValues, validity: [Bool]?, rows: Range<Int>) throws {
        let nulls = validity.map { v in v[rows].reduce(0) { $0 + ($1 ? 0 : 1) } } ?? 0
        if nulls > 0 && column.maxDefinitionLevel == 0 {
            let row = validity![rows].firstIndex(of: false)!
            throw ParquetError(.invalidArgument, "column '\(column.name)' is not nullable but has a null at row \(row) of the batch")
        }
        statistics.nullCount += Int64(nulls)
        let compactValidity = nulls > 0 ? validity : nil
        switch values {
        case .boolean(let all):
            let compact = Self.compact(all, compactValidity, rows, into: &scratchBool)
            if settings.statistics { compact.withUnsafeBufferPointer { statistics.update($0) } }
            pageBooleans.append(contentsOf: compact)
            appendLevels(compactValidity, rows)
        case .int32(let all):
            try writeNumbers(all, compactValidity, rows, scratch: \.scratch32, dictionary: \.dictInt32)
        case .int64(let all):
            try writeNumbers(all, compactValidity, rows, scratch: \.scratch64, dictionary: \.dictInt64)
        case .float32(let all):
            try writeNumbers(all, compactValidity, rows, scratch: \.scratchFloat, dictionary: \.dictFloat)
        case .float64(let all):
            try writeNumbers(all, compactValidity, rows, scratch: \.scratchDouble, dictionary: \.dictDouble)
        case .bytes(let all):
            try writeByteArrays(all, compactValidity, rows)
        case .fixed(let width, let data):
            try writeFixed(data, width: width, compactValidity, rows)
        case .list, .map, .structure:
            throw ParquetError(.unsupported, "column '\(column.name)': nested values cannot be written")
        }
    }

    /// Handles one step of INT32/INT64/FLOAT/DOUBLE values.
    private mutating func writeNumbers<T: DictionaryKey>(
        _ all: [T], _ validity: [Bool]?, _ rows: Range<Int>,
        scratch: WritableKeyPath<ColumnChunkWriter, [T]>,
        dictionary: WritableKeyPath<ColumnChunkWriter, DictionaryBuilder<T>?>
    ) throws {
        var buffer = self[keyPath: scratch]
        self[keyPath: scratch] = []
        defer { self[keyPath: scratch] = buffer }
        let compact = Self.compactSlice(all, validity, rows, scratch: &buffer)
        try compact.withBuffer { values in
            updateStatistics(values)
            var start = 0
            if useDictionary {
                let taken = self[keyPath: dictionary]!.append(values)
                start = try settleDictionaryStep(taken: taken, count: values.count, validity: validity, rows: rows)
                if start == values.count { return }
            } else {
                appendLevels(validity, rows)
            }
            ByteSink.appendRaw(UnsafeBufferPointer(rebasing: values[start...]), to: &pagePlain)
        }
    }

    /// After a step's values were offered to the dictionary: levels for the rows it took, and,
    /// when it filled up, a page break at the row of the first value it refused, with PLAIN
    /// from there on (as parquet-cpp does). Returns the index of the first value to write PLAIN
    /// (`count` when the dictionary took them all).
    private mutating func settleDictionaryStep(taken: Int, count: Int, validity: [Bool]?, rows: Range<Int>) throws -> Int {
        if taken == count {
            appendLevels(validity, rows)
            return count
        }
        let split = Self.rowOfValue(taken, validity, rows)
        appendLevels(validity, rows.lowerBound..<split)
        try flushPage()
        useDictionary = false
        appendLevels(validity, split..<rows.upperBound)
        return taken
    }

    private mutating func updateStatistics<T>(_ values: UnsafeBufferPointer<T>) {
        guard settings.statistics else { return }
        switch values {
        case let v as UnsafeBufferPointer<Int32>: statistics.update(v)
        case let v as UnsafeBufferPointer<Int64>: statistics.update(v)
        case let v as UnsafeBufferPointer<Float>: statistics.update(v)
        case let v as UnsafeBufferPointer<Double>: statistics.update(v)
        default: break
        }
    }

    private mutating func writeByteArrays(_ all: ByteArrays, _ validity: [Bool]?, _ rows: Range<Int>) throws {
        let values: ByteArrays
        let range: Range<Int>
        if let validity {
            var compact = ByteArrays()
            for i in rows where validity[i] { compact.append(all[i]) }
            values = compact
            range = 0..<compact.count
        } else {
            values = all
            range = rows
        }
        if settings.statistics { statistics.update(values, range: range) }
        var start = range.lowerBound
        if useDictionary {
            let taken = dictBytes!.append(values, range: range)
            let plainFrom = try settleDictionaryStep(taken: taken, count: range.count, validity: validity, rows: rows)
            if plainFrom == range.count { return }
            start += plainFrom
        } else {
            appendLevels(validity, rows)
        }
        PlainEncoding.encode(values, range: start..<range.upperBound, into: &pagePlain)
    }

    private mutating func writeFixed(_ data: [UInt8], width: Int, _ validity: [Bool]?, _ rows: Range<Int>) throws {
        var buffer = scratchFixed
        scratchFixed = []
        defer { scratchFixed = buffer }
        let values: ArraySlice<UInt8>
        if let validity {
            buffer.removeAll(keepingCapacity: true)
            data.withUnsafeBufferPointer { d in
                for i in rows where validity[i] { buffer.append(contentsOf: d[i * width..<(i + 1) * width]) }
            }
            values = buffer[...]
        } else {
            values = data[rows.lowerBound * width..<rows.upperBound * width]
        }
        let count = values.count / width
        if settings.statistics {
            values.withUnsafeBytes { statistics.update(fixed: $0, width: width) }
        }
        var start = 0
        if useDictionary {
            let taken = validity == nil
                ? dictBytes!.appendFixed(data, width: width, first: rows.lowerBound, count: count)
                : dictBytes!.appendFixed(buffer, width: width, first: 0, count: count)
            start = try settleDictionaryStep(taken: taken, count: count, validity: validity, rows: rows)
            if start == count { return }
        } else {
            appendLevels(validity, rows)
        }
        pagePlain.append(contentsOf: values.dropFirst(start * width))
    }

    /// The row (in `rows`) holding present value number `index` of the step.
    private static func rowOfValue(_ index: Int, _ validity: [Bool]?, _ rows: Range<Int>) -> Int {
        guard let validity else { return rows.lowerBound + index }
        var seen = 0
        for i in rows where validity[i] {
            if seen == index { return i }
            seen += 1
        }
        return rows.upperBound
    }

    /// Levels are kept only once the page has a null; until then the page is one run of 1s.
    private mutating func appendLevels(_ validity: [Bool]?, _ rows: Range<Int>) {
        guard !rows.isEmpty else { return }
        defer { pageRows += rows.count }
        guard column.maxDefinitionLevel > 0, let validity else {
            if pageNulls > 0 { pageLevels.append(contentsOf: repeatElement(1, count: rows.count)) }
            return
        }
        for i in rows {
            let present = validity[i]
            if !present && pageNulls == 0 {
                pageLevels.append(contentsOf: repeatElement(1, count: pageRows + (i - rows.lowerBound)))
            }
            if !present { pageNulls &+= 1 }
            if pageNulls > 0 { pageLevels.append(present ? 1 : 0) }
        }
    }

    private static func compact<T>(_ all: [T], _ validity: [Bool]?, _ rows: Range<Int>, into scratch: inout [T]) -> ArraySlice<T> {
        guard let validity else { return all[rows] }
        scratch.removeAll(keepingCapacity: true)
        all.withUnsafeBufferPointer { a in
            validity.withUnsafeBufferPointer { v in
                for i in rows where v[i] { scratch.append(a[i]) }
            }
        }
        return scratch[...]
    }

    private static func compactSlice<T>(_ all: [T], _ validity: [Bool]?, _ rows: Range<Int>, scratch: inout [T]) -> ArraySlice<T> {
        compact(all, validity, rows, into: &scratch)
    }

    // MARK: - Pages

    /// Encodes and frames the current page (no-op when it has no rows).
    mutating func flushPage() throws {
        guard pageRows > 0 else { return }
        var values: [UInt8] = []
        let encoding: Encoding
        if useDictionary {
            encoding = .rleDictionary
            let (indices, bitWidth) = takeIndices()
            values.reserveCapacity(indices.count * bitWidth / 8 + 16)
            values.append(UInt8(bitWidth))
            let encoded = RLEBitPackedEncoder.encode(indices, bitWidth: bitWidth)
            values.append(contentsOf: encoded)
        } else if column.physical == .boolean {
            encoding = .plain
            PlainEncoding.encode(pageBooleans, into: &values)
        } else {
            encoding = .plain
            values = pagePlain
        }
        switch settings.pageVersion {
        case .v1: try emitV1(values: values, encoding: encoding)
        case .v2: try emitV2(values: values, encoding: encoding)
        }
        pageEncodingCounts[encoding, default: 0] += 1
        if encoding == .rleDictionary { dictionaryPageCount += 1 }
        entryCount += Int64(pageRows)
        pageRows = 0
        pageNulls = 0
        pageLevels.removeAll(keepingCapacity: true)
        pagePlain.removeAll(keepingCapacity: true)
        pageBooleans.removeAll(keepingCapacity: true)
    }

    private mutating func takeIndices() -> ([Int32], Int) {
        if dictInt32 != nil { return (dictInt32!.takeIndices(), dictInt32!.indexBitWidth) }
        if dictInt64 != nil { return (dictInt64!.takeIndices(), dictInt64!.indexBitWidth) }
        if dictFloat != nil { return (dictFloat!.takeIndices(), dictFloat!.indexBitWidth) }
        if dictDouble != nil { return (dictDouble!.takeIndices(), dictDouble!.indexBitWidth) }
        return (dictBytes!.takeIndices(), dictBytes!.indexBitWidth)
    }

    private func encodedLevels() -> [UInt8] {
        guard column.maxDefinitionLevel > 0 else { return [] }
        if pageNulls == 0 {
            // One RLE run of 1s: header (count << 1), then the value in one byte.
            var out: [UInt8] = []
            ByteSink.appendULEB128(UInt64(pageRows) << 1, to: &out)
            out.append(1)
            return out
        }
        var encoder = RLEBitPackedEncoder(bitWidth: 1)
        pageLevels.withUnsafeBufferPointer { levels in
            for l in levels { encoder.append(Int32(l)) }
        }
        return encoder.finish()
    }

    private mutating func emitV1(values: [UInt8], encoding: Encoding) throws {
        var body: [UInt8] = []
        if column.maxDefinitionLevel > 0 {
            let levels = encodedLevels()
            body.reserveCapacity(4 + levels.count + values.count)
            ByteSink.appendUInt32LE(UInt32(levels.count), to: &body)
            body.append(contentsOf: levels)
            body.append(contentsOf: values)
        } else {
            body = values
        }
        let compressed = try compress(body)
        var header = PageHeader(type: .dataPage, uncompressedPageSize: try int32Size(body.count), compressedPageSize: 0)
        header.dataPageHeader = DataPageHeader(numValues: Int32(pageRows), encoding: encoding,
                                               definitionLevelEncoding: .rle, repetitionLevelEncoding: .rle)
        let headerSize = try compressed.withUnsafeBytes { try framer.append(header: header, body: $0, to: &dataPages) }
        uncompressedBytes += Int64(headerSize + body.count)
    }

    private mutating func emitV2(values: [UInt8], encoding: Encoding) throws {
        let levels = encodedLevels()
        let compressedValues = try compress(values)
        var body = levels
        body.append(contentsOf: compressedValues)
        var header = PageHeader(type: .dataPageV2, uncompressedPageSize: try int32Size(levels.count + values.count), compressedPageSize: 0)
        header.dataPageHeaderV2 = DataPageHeaderV2(
            numValues: Int32(pageRows), numNulls: Int32(pageNulls), numRows: Int32(pageRows), encoding: encoding,
            definitionLevelsByteLength: Int32(levels.count), repetitionLevelsByteLength: 0,
            isCompressed: settings.pageCodec != nil)
        let headerSize = try body.withUnsafeBytes { try framer.append(header: header, body: $0, to: &dataPages) }
        uncompressedBytes += Int64(headerSize + levels.count + values.count)
    }

    private func compress(_ bytes: [UInt8]) throws -> [UInt8] {
        guard let codec = settings.pageCodec else { return bytes }
        do {
            return try Codecs.compress(codec, bytes, level: settings.compressionLevel)
        } catch {
            throw ParquetError(.invalidArgument, "column '\(column.name)': \(codec.name) compression failed: \(error.description)", cause: error)
        }
    }

    private func int32Size(_ n: Int) throws -> Int32 {
        guard let v = Int32(exactly: n) else {
            throw ParquetError(.invalidArgument, "column '\(column.name)': page of \(n) bytes exceeds the 2 GiB page limit")
        }
        return v
    }

    // MARK: - Finishing

    /// The chunk's bytes (dictionary page first) and the metadata that does not depend on
    /// where the chunk lands in the file.
    struct Finished {
        var dictionaryPage: [UInt8]
        var dataPages: [UInt8]
        var metadata: ColumnMetaData
    }

    mutating func finish() throws -> Finished {
        try flushPage()
        var dictionaryPage: [UInt8] = []
        var encodings: [Encoding] = []
        var encodingStats: [PageEncodingStats] = []
        var uncompressed = uncompressedBytes
        if dictionaryPageCount > 0, let (plain, count) = dictionaryPlain() {
            let compressed = try compress(plain)
            var header = PageHeader(type: .dictionaryPage, uncompressedPageSize: try int32Size(plain.count), compressedPageSize: 0)
            header.dictionaryPageHeader = DictionaryPageHeader(numValues: Int32(count), encoding: .plain)
            let headerSize = try compressed.withUnsafeBytes { try framer.append(header: header, body: $0, to: &dictionaryPage) }
            uncompressed += Int64(headerSize + plain.count)
            encodings.append(.plain)
            encodingStats.append(PageEncodingStats(pageType: .dictionaryPage, encoding: .plain, count: 1))
        }
        if column.maxDefinitionLevel > 0 || encodings.isEmpty { encodings.append(.rle) }
        let pageType: PageType = settings.pageVersion == .v1 ? .dataPage : .dataPageV2
        for encoding in [Encoding.rleDictionary, .plain] {
            guard let count = pageEncodingCounts[encoding] else { continue }
            if !encodings.contains(encoding) { encodings.append(encoding) }
            encodingStats.append(PageEncodingStats(pageType: pageType, encoding: encoding, count: count))
        }
        var metadata = ColumnMetaData(
            type: column.physical, encodings: encodings, pathInSchema: [column.name], codec: settings.codec,
            numValues: entryCount, totalUncompressedSize: uncompressed,
            totalCompressedSize: Int64(dictionaryPage.count + dataPages.count), dataPageOffset: 0)
        if settings.statistics { metadata.statistics = statistics.statistics(maxValueBytes: settings.maxStatisticsValueBytes) }
        metadata.encodingStats = encodingStats
        return Finished(dictionaryPage: dictionaryPage, dataPages: dataPages, metadata: metadata)
    }

    private func dictionaryPlain() -> ([UInt8], Int)? {
        var out: [UInt8] = []
        if let d = dictInt32 { PlainEncoding.encode(d.dictionary, into: &out); return (out, d.dictionary.count) }
        if let d = dictInt64 { PlainEncoding.encode(d.dictionary, into: &out); return (out, d.dictionary.count) }
        if let d = dictFloat { PlainEncoding.encode(d.dictionary, into: &out); return (out, d.dictionary.count) }
        if let d = dictDouble { PlainEncoding.encode(d.dictionary, into: &out); return (out, d.dictionary.count) }
        if let d = dictBytes {
            if column.physical == .fixedLenByteArray { return (d.dictionary.data, d.dictionary.count) }
            PlainEncoding.encode(d.dictionary, into: &out)
            return (out, d.dictionary.count)
        }
        return nil
    }
}

extension ArraySlice {
    /// The slice as a buffer pointer (contiguous storage of an array slice).
    func withBuffer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try withUnsafeBufferPointer(body)
    }
}
