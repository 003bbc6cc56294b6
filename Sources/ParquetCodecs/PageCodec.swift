/// A compression codec that Parquet applies to page bodies (parquet.thrift `CompressionCodec`).
/// `UNCOMPRESSED` is not a codec here: callers skip this module for it; LZO is not supported.
public enum PageCodec: Sendable, Hashable, CaseIterable {
    case snappy
    case gzip
    case brotli
    /// Codec id 5 (`LZ4`): Hadoop block framing around raw LZ4 blocks, or one bare block.
    case lz4Hadoop
    /// Codec id 7 (`LZ4_RAW`): one raw LZ4 block, no framing.
    case lz4Raw
    case zstd

    /// The codec for a parquet.thrift `CompressionCodec` value; nil for UNCOMPRESSED, LZO and unknown ids.
    public init?(thriftID: Int32) {
        switch thriftID {
        case 1: self = .snappy
        case 2: self = .gzip
        case 4: self = .brotli
        case 5: self = .lz4Hadoop
        case 6: self = .zstd
        case 7: self = .lz4Raw
        default: return nil
        }
    }

    /// The parquet.thrift `CompressionCodec` value.
    public var thriftID: Int32 {
        switch self {
        case .snappy: 1
        case .gzip: 2
        case .brotli: 4
        case .lz4Hadoop: 5
        case .zstd: 6
        case .lz4Raw: 7
        }
    }

    /// The name parquet.thrift gives the codec, for messages.
    public var name: String {
        switch self {
        case .snappy: "SNAPPY"
        case .gzip: "GZIP"
        case .brotli: "BROTLI"
        case .lz4Hadoop: "LZ4"
        case .lz4Raw: "LZ4_RAW"
        case .zstd: "ZSTD"
        }
    }
}
