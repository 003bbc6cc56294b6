public struct DataPageHeader: Sendable, Hashable {
    public var numValues: Int32
    public var encoding: Encoding
    public var definitionLevelEncoding: Encoding
    public var repetitionLevelEncoding: Encoding
    public var statistics: Statistics?
    public init(numValues: Int32, encoding: Encoding, definitionLevelEncoding: Encoding, repetitionLevelEncoding: Encoding) {
        self.numValues = numValues; self.encoding = encoding
        self.definitionLevelEncoding = definitionLevelEncoding; self.repetitionLevelEncoding = repetitionLevelEncoding
    }
}

public struct DictionaryPageHeader: Sendable, Hashable {
    public var numValues: Int32
    public var encoding: Encoding
    public var isSorted: Bool?
    public init(numValues: Int32, encoding: Encoding) { self.numValues = numValues; self.encoding = encoding }
}

public struct DataPageHeaderV2: Sendable, Hashable {
    public var numValues: Int32
    public var numNulls: Int32
    public var numRows: Int32
    public var encoding: Encoding
    public var definitionLevelsByteLength: Int32
    public var repetitionLevelsByteLength: Int32
    /// Defaults to true when absent.
    public var isCompressed: Bool
    public var statistics: Statistics?
    public init(numValues: Int32, numNulls: Int32, numRows: Int32, encoding: Encoding,
                definitionLevelsByteLength: Int32, repetitionLevelsByteLength: Int32, isCompressed: Bool = true) {
        self.numValues = numValues; self.numNulls = numNulls; self.numRows = numRows; self.encoding = encoding
        self.definitionLevelsByteLength = definitionLevelsByteLength
        self.repetitionLevelsByteLength = repetitionLevelsByteLength; self.isCompressed = isCompressed
    }
}

public struct PageHeader: Sendable, Hashable {
    public var type: PageType
    public var uncompressedPageSize: Int32
    public var compressedPageSize: Int32
    public var crc: Int32?
    public var dataPageHeader: DataPageHeader?
    public var indexPageHeader: Bool = false
    public var dictionaryPageHeader: DictionaryPageHeader?
    public var dataPageHeaderV2: DataPageHeaderV2?
    public init(type: PageType, uncompressedPageSize: Int32, compressedPageSize: Int32) {
        self.type = type; self.uncompressedPageSize = uncompressedPageSize; self.compressedPageSize = compressedPageSize
    }
}
