// The parquet.thrift structures Strongroom reads and writes. Field names follow the thrift
// spec in Swift case; optional thrift fields are Swift optionals. (De)serialization lives in
// Thrift/ (one `ThriftCodable` conformance per structure).

public enum LogicalType: Sendable, Hashable {
    case string
    case map
    case list
    case enumeration
    case decimal(scale: Int32, precision: Int32)
    case date
    case time(isAdjustedToUTC: Bool, unit: TimeUnitKind)
    case timestamp(isAdjustedToUTC: Bool, unit: TimeUnitKind)
    case integer(bitWidth: Int8, isSigned: Bool)
    case unknown          // NullType (thrift field 11)
    case json
    case bson
    case uuid
    case float16
    case variant
    case geometry
    case geography
    /// A union member this reader does not know (tolerated: the column is read by its physical type).
    case unrecognized(fieldID: Int16)
}

public enum TimeUnitKind: Sendable, Hashable {
    case millis, micros, nanos
}

public struct SchemaElement: Sendable, Hashable {
    public var type: PhysicalType?
    public var typeLength: Int32?
    public var repetitionType: Repetition?
    public var name: String
    public var numChildren: Int32?
    public var convertedType: ConvertedType?
    public var scale: Int32?
    public var precision: Int32?
    public var fieldID: Int32?
    public var logicalType: LogicalType?

    public init(name: String, type: PhysicalType? = nil, typeLength: Int32? = nil,
                repetitionType: Repetition? = nil, numChildren: Int32? = nil,
                convertedType: ConvertedType? = nil, scale: Int32? = nil, precision: Int32? = nil,
                fieldID: Int32? = nil, logicalType: LogicalType? = nil) {
        self.name = name; self.type = type; self.typeLength = typeLength
        self.repetitionType = repetitionType; self.numChildren = numChildren
        self.convertedType = convertedType; self.scale = scale; self.precision = precision
        self.fieldID = fieldID; self.logicalType = logicalType
    }
}

public struct Statistics: Sendable, Hashable {
    public var max: [UInt8]?          // deprecated field 1 (signed order, old writers)
    public var min: [UInt8]?          // deprecated field 2
    public var nullCount: Int64?
    public var distinctCount: Int64?
    public var maxValue: [UInt8]?
    public var minValue: [UInt8]?
    public var isMaxValueExact: Bool?
    public var isMinValueExact: Bool?
    /// NaN values among the non-null values (floating point columns; field 9).
    public var nanCount: Int64?

    public init() {}
}

public struct KeyValue: Sendable, Hashable {
    public var key: String
    public var value: String?
    public init(key: String, value: String?) { self.key = key; self.value = value }
}

public struct SortingColumn: Sendable, Hashable {
    public var columnIdx: Int32
    public var descending: Bool
    public var nullsFirst: Bool
    public init(columnIdx: Int32, descending: Bool, nullsFirst: Bool) {
        self.columnIdx = columnIdx; self.descending = descending; self.nullsFirst = nullsFirst
    }
}

public struct PageEncodingStats: Sendable, Hashable {
    public var pageType: PageType
    public var encoding: Encoding
    public var count: Int32
    public init(pageType: PageType, encoding: Encoding, count: Int32) {
        self.pageType = pageType; self.encoding = encoding; self.count = count
    }
}

public struct ColumnMetaData: Sendable, Hashable {
    public var type: PhysicalType
    public var encodings: [Encoding]
    public var pathInSchema: [String]
    public var codec: CompressionCodec
    public var numValues: Int64
    public var totalUncompressedSize: Int64
    public var totalCompressedSize: Int64
    public var keyValueMetadata: [KeyValue]?
    public var dataPageOffset: Int64
    public var indexPageOffset: Int64?
    public var dictionaryPageOffset: Int64?
    public var statistics: Statistics?
    public var encodingStats: [PageEncodingStats]?
    public var bloomFilterOffset: Int64?
    public var bloomFilterLength: Int32?

    public init(type: PhysicalType, encodings: [Encoding], pathInSchema: [String], codec: CompressionCodec,
                numValues: Int64, totalUncompressedSize: Int64, totalCompressedSize: Int64,
                dataPageOffset: Int64) {
        self.type = type; self.encodings = encodings; self.pathInSchema = pathInSchema; self.codec = codec
        self.numValues = numValues; self.totalUncompressedSize = totalUncompressedSize
        self.totalCompressedSize = totalCompressedSize; self.dataPageOffset = dataPageOffset
    }
}

/// How a column chunk is encrypted (thrift ColumnCryptoMetaData union).
public enum ColumnCryptoMetaData: Sendable, Hashable {
    case footerKey
    case columnKey(pathInSchema: [String], keyMetadata: [UInt8]?)
}

public struct ColumnChunk: Sendable, Hashable {
    public var filePath: String?
    public var fileOffset: Int64
    /// Absent when the column is encrypted with a column key and the footer is encrypted
    /// (then `encryptedColumnMetadata` holds it) — or, in plaintext-footer files, a redacted copy.
    public var metaData: ColumnMetaData?
    public var offsetIndexOffset: Int64?
    public var offsetIndexLength: Int32?
    public var columnIndexOffset: Int64?
    public var columnIndexLength: Int32?
    public var cryptoMetadata: ColumnCryptoMetaData?
    /// Serialized ColumnMetaData encrypted with the column key (module type ColumnMetaData).
    public var encryptedColumnMetadata: [UInt8]?

    public init(fileOffset: Int64, metaData: ColumnMetaData?) {
        self.fileOffset = fileOffset; self.metaData = metaData
    }
}

public struct RowGroup: Sendable, Hashable {
    public var columns: [ColumnChunk]
    public var totalByteSize: Int64
    public var numRows: Int64
    public var sortingColumns: [SortingColumn]?
    public var fileOffset: Int64?
    public var totalCompressedSize: Int64?
    public var ordinal: Int16?

    public init(columns: [ColumnChunk], totalByteSize: Int64, numRows: Int64) {
        self.columns = columns; self.totalByteSize = totalByteSize; self.numRows = numRows
    }
}

public enum EncryptionAlgorithm: Sendable, Hashable {
    case aesGcmV1(aadPrefix: [UInt8]?, aadFileUnique: [UInt8]?, supplyAadPrefix: Bool?)
    case aesGcmCtrV1(aadPrefix: [UInt8]?, aadFileUnique: [UInt8]?, supplyAadPrefix: Bool?)

    public var aadPrefix: [UInt8]? {
        switch self { case .aesGcmV1(let p, _, _), .aesGcmCtrV1(let p, _, _): return p }
    }
    public var aadFileUnique: [UInt8]? {
        switch self { case .aesGcmV1(_, let u, _), .aesGcmCtrV1(_, let u, _): return u }
    }
    public var supplyAadPrefix: Bool {
        switch self { case .aesGcmV1(_, _, let s), .aesGcmCtrV1(_, _, let s): return s ?? false }
    }
    public var name: String {
        switch self { case .aesGcmV1: "AES_GCM_V1"; case .aesGcmCtrV1: "AES_GCM_CTR_V1" }
    }
}

public enum ColumnOrder: Sendable, Hashable {
    case typeDefinedOrder
    case unrecognized(fieldID: Int16)
}

public struct FileMetaData: Sendable, Hashable {
    public var version: Int32
    public var schema: [SchemaElement]
    public var numRows: Int64
    public var rowGroups: [RowGroup]
    public var keyValueMetadata: [KeyValue]?
    public var createdBy: String?
    public var columnOrders: [ColumnOrder]?
    /// Set only in plaintext-footer encrypted files.
    public var encryptionAlgorithm: EncryptionAlgorithm?
    public var footerSigningKeyMetadata: [UInt8]?

    public init(version: Int32, schema: [SchemaElement], numRows: Int64, rowGroups: [RowGroup]) {
        self.version = version; self.schema = schema; self.numRows = numRows; self.rowGroups = rowGroups
    }
}

/// Written before the encrypted footer in PARE files.
public struct FileCryptoMetaData: Sendable, Hashable {
    public var encryptionAlgorithm: EncryptionAlgorithm
    public var keyMetadata: [UInt8]?
    public init(encryptionAlgorithm: EncryptionAlgorithm, keyMetadata: [UInt8]?) {
        self.encryptionAlgorithm = encryptionAlgorithm; self.keyMetadata = keyMetadata
    }
}
