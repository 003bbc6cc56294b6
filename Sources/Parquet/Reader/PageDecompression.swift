import ParquetCodecs

enum PageDecompression {
    /// Largest page we decompress; a header claiming more is treated as corrupt rather than
    /// allocated (parquet-java and Arrow cap pages far below this).
    static let maxPageSize = 1 << 30

    static func decompress(_ page: [UInt8], codec: CompressionCodec, uncompressedSize: Int, context: String) throws -> [UInt8] {
        guard uncompressedSize >= 0, uncompressedSize <= maxPageSize else {
            throw ParquetError(.malformed, "\(context): page claims \(uncompressedSize) uncompressed bytes")
        }
        if codec == .uncompressed {
            guard page.count == uncompressedSize else {
                throw ParquetError(.malformed, "\(context): uncompressed page has \(page.count) bytes, header says \(uncompressedSize)")
            }
            return page
        }
        guard let pageCodec = PageCodec(thriftID: codec.rawValue) else {
            throw ParquetError(.unsupported, "\(context): compression codec \(codec.name) is not supported")
        }
        do {
            return try Codecs.decompress(pageCodec, page, uncompressedSize: uncompressedSize)
        } catch {
            throw ParquetError(.malformed, "\(context): \(error.description)", cause: error)
        }
    }
}
