/// How `ParquetFileWriter` lays out a file. Defaults follow pyarrow/parquet-cpp where they
/// matter for interoperability (snappy, dictionary with PLAIN fallback, v1 pages, CRCs).
public struct ParquetWriteOptions: Sendable {
    public enum DataPageVersion: Sendable, Hashable {
        case v1, v2
    }

    public var codec: CompressionCodec
    /// Codec level (zstd, gzip); nil takes the codec's default.
    public var compressionLevel: Int?
    /// Rows per row group; a batch that does not fit in the current group is split.
    public var rowGroupRows: Int
    /// Target size of a data page's encoded values and levels, before compression.
    public var dataPageBytes: Int
    /// Upper bound of rows (values) per data page, so readers can skip within a chunk.
    public var dataPageRows: Int
    public var dictionaryEnabled: Bool
    /// Largest PLAIN-encoded dictionary; a chunk falls back to PLAIN pages beyond it.
    public var dictionaryPageBytes: Int
    public var dataPageVersion: DataPageVersion
    public var pageChecksums: Bool
    public var statistics: Bool
    /// min/max larger than this (bytes) are left out of the statistics, as parquet-cpp does.
    public var maxStatisticsValueBytes: Int
    public var keyValueMetadata: [KeyValue]
    public var createdBy: String
    /// nil writes a plaintext file.
    public var encryption: ParquetEncryptionConfig?

    public static let defaultCreatedBy = "strongroom version 0.1.0"

    public init(
        codec: CompressionCodec = .snappy,
        compressionLevel: Int? = nil,
        rowGroupRows: Int = 1_048_576,
        dataPageBytes: Int = 1 << 20,
        dataPageRows: Int = 20_000,
        dictionaryEnabled: Bool = true,
        dictionaryPageBytes: Int = 1 << 20,
        dataPageVersion: DataPageVersion = .v1,
        pageChecksums: Bool = true,
        statistics: Bool = true,
        maxStatisticsValueBytes: Int = 4096,
        keyValueMetadata: [KeyValue] = [],
        createdBy: String = ParquetWriteOptions.defaultCreatedBy,
        encryption: ParquetEncryptionConfig? = nil
    ) {
        self.codec = codec
        self.compressionLevel = compressionLevel
        self.rowGroupRows = rowGroupRows
        self.dataPageBytes = dataPageBytes
        self.dataPageRows = dataPageRows
        self.dictionaryEnabled = dictionaryEnabled
        self.dictionaryPageBytes = dictionaryPageBytes
        self.dataPageVersion = dataPageVersion
        self.pageChecksums = pageChecksums
        self.statistics = statistics
        self.maxStatisticsValueBytes = maxStatisticsValueBytes
        self.keyValueMetadata = keyValueMetadata
        self.createdBy = createdBy
        self.encryption = encryption
    }

    func validate() throws {
        guard rowGroupRows > 0 else { throw ParquetError(.invalidArgument, "row group size must be positive, got \(rowGroupRows)") }
        guard dataPageBytes > 0 else { throw ParquetError(.invalidArgument, "data page size must be positive, got \(dataPageBytes)") }
        guard dataPageRows > 0 else { throw ParquetError(.invalidArgument, "data page row limit must be positive, got \(dataPageRows)") }
        guard dictionaryPageBytes > 0 else { throw ParquetError(.invalidArgument, "dictionary page size must be positive, got \(dictionaryPageBytes)") }
        switch codec {
        case .uncompressed, .snappy, .gzip, .zstd, .brotli, .lz4Raw: break
        case .lzo, .lz4:
            throw ParquetError(.invalidArgument, "writing \(codec.name) is not supported (use LZ4_RAW, ZSTD, SNAPPY or GZIP)")
        }
    }
}
