/// Compression and decompression of Parquet page bodies. Stateless and thread-safe: every call
/// owns its library context, so pages can be decoded in parallel.
public enum Codecs {
    /// Decompresses `input` into exactly `output.count` bytes (the page header's uncompressed size).
    /// Throws if the stream is corrupt, or if it decompresses to any other size. Never reads outside
    /// `input` nor writes outside `output`; on failure `output` holds unspecified bytes.
    public static func decompress(
        _ codec: PageCodec, _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CodecError) {
        // An empty page body is how writers store an empty page, whatever the codec.
        if input.isEmpty && output.isEmpty { return }
        // C libraries reject null buffers even for zero lengths; give them a real zero-length one.
        if input.baseAddress == nil || output.baseAddress == nil {
            var scratch: (UInt8, UInt8) = (0, 0)
            try withUnsafeMutableBytes(of: &scratch) { (spare: UnsafeMutableRawBufferPointer) throws(CodecError) in
                let `in` = input.baseAddress == nil ? UnsafeRawBufferPointer(rebasing: spare[0..<0]) : input
                let out = output.baseAddress == nil ? UnsafeMutableRawBufferPointer(rebasing: spare[1..<1]) : output
                try dispatchDecompress(codec, `in`, into: out)
            }
            return
        }
        try dispatchDecompress(codec, input, into: output)
    }

    /// Decompresses into a new array of `uncompressedSize` bytes. The caller decides whether that
    /// size (usually from an untrusted page header) is acceptable before calling.
    public static func decompress(
        _ codec: PageCodec, _ input: UnsafeRawBufferPointer, uncompressedSize: Int
    ) throws(CodecError) -> [UInt8] {
        guard uncompressedSize >= 0 else {
            throw CodecError(.sizeMismatch, codec, "uncompressed size \(uncompressedSize) is negative")
        }
        return try makeBytes(capacity: uncompressedSize) { (out: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int in
            try decompress(codec, input, into: UnsafeMutableRawBufferPointer(rebasing: out[0..<uncompressedSize]))
            return uncompressedSize
        }
    }

    /// `decompress(_:_:uncompressedSize:)` for an array.
    public static func decompress(_ codec: PageCodec, _ input: [UInt8], uncompressedSize: Int) throws(CodecError) -> [UInt8] {
        // Array.withUnsafeBytes rethrows untyped errors; carry the typed one out in a Result.
        try input.withUnsafeBytes { raw in
            Result { () throws(CodecError) -> [UInt8] in try decompress(codec, raw, uncompressedSize: uncompressedSize) }
        }.get()
    }

    /// Compresses `input` into a stream that `decompress` (and other Parquet readers) accept.
    /// `level` is codec specific; nil picks `defaultLevel(for:)`. Snappy has no levels and ignores it.
    public static func compress(_ codec: PageCodec, _ input: UnsafeRawBufferPointer, level: Int? = nil) throws(CodecError) -> [UInt8] {
        if input.baseAddress == nil {
            var scratch: UInt8 = 0
            return try withUnsafeBytes(of: &scratch) { (spare: UnsafeRawBufferPointer) throws(CodecError) -> [UInt8] in
                try dispatchCompress(codec, UnsafeRawBufferPointer(rebasing: spare[0..<0]), level: level)
            }
        }
        return try dispatchCompress(codec, input, level: level)
    }

    /// `compress(_:_:level:)` for an array.
    public static func compress(_ codec: PageCodec, _ input: [UInt8], level: Int? = nil) throws(CodecError) -> [UInt8] {
        try input.withUnsafeBytes { raw in
            Result { () throws(CodecError) -> [UInt8] in try compress(codec, raw, level: level) }
        }.get()
    }

    /// The level `compress` uses when none is given; nil for codecs without levels.
    public static func defaultLevel(for codec: PageCodec) -> Int? {
        switch codec {
        case .snappy: nil
        case .gzip: Gzip.defaultLevel
        case .brotli: Brotli.defaultLevel
        case .lz4Hadoop, .lz4Raw: LZ4.defaultLevel
        case .zstd: Zstd.defaultLevel
        }
    }

    private static func dispatchDecompress(
        _ codec: PageCodec, _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CodecError) {
        switch codec {
        case .snappy: try Snappy.decompress(input, into: output)
        case .gzip: try Gzip.decompress(input, into: output)
        case .brotli: try Brotli.decompress(input, into: output)
        case .lz4Hadoop: try LZ4.decompressHadoop(input, into: output)
        case .lz4Raw: try LZ4.decompressBlock(input, into: output, codec: .lz4Raw)
        case .zstd: try Zstd.decompress(input, into: output)
        }
    }

    private static func dispatchCompress(_ codec: PageCodec, _ input: UnsafeRawBufferPointer, level: Int?) throws(CodecError) -> [UInt8] {
        switch codec {
        case .snappy: try Snappy.compress(input)
        case .gzip: try Gzip.compress(input, level: level ?? Gzip.defaultLevel)
        case .brotli: try Brotli.compress(input, level: level ?? Brotli.defaultLevel)
        case .lz4Hadoop: try LZ4.compressHadoop(input, level: level ?? LZ4.defaultLevel)
        case .lz4Raw: try LZ4.compressBlock(input, level: level ?? LZ4.defaultLevel)
        case .zstd: try Zstd.compress(input, level: level ?? Zstd.defaultLevel)
        }
    }
}

/// Builds an array by letting `body` write into `capacity` uninitialized bytes; `body` returns how many it wrote.
func makeBytes(
    capacity: Int, _ body: (UnsafeMutableRawBufferPointer) throws(CodecError) -> Int
) throws(CodecError) -> [UInt8] {
    var failure: CodecError?
    // At least one byte so the buffer has a base address for the C libraries.
    let bytes = [UInt8](unsafeUninitializedCapacity: max(capacity, 1)) { buffer, count in
        do throws(CodecError) {
            count = try body(UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[0..<capacity]))
        } catch {
            failure = error
            count = 0
        }
    }
    if let failure { throw failure }
    return bytes
}

extension UnsafeRawBufferPointer {
    /// The start as a C `char`/byte pointer; callers guarantee a base address.
    @inline(__always) func bytes<T>(as type: T.Type) -> UnsafePointer<T> {
        baseAddress!.assumingMemoryBound(to: T.self)
    }
}

extension UnsafeMutableRawBufferPointer {
    @inline(__always) func bytes<T>(as type: T.Type) -> UnsafeMutablePointer<T> {
        baseAddress!.assumingMemoryBound(to: T.self)
    }
}
