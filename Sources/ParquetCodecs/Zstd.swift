import CZstd

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ZSTD: one or more zstd frames (skippable frames allowed). Frames may omit the content size,
/// and a valid stream may decompress to zero bytes (parquet-testing page_v2_empty_compressed.parquet).
enum Zstd {
    static let defaultLevel = 1

    static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(CodecError) {
        // Bounds every write by the capacity and fails with dstSize_tooSmall on overlong output.
        // Each call starts from a fresh frame state, so a context is reusable even after an error.
        let written: Int
        if let context = threadDecompressionContext() {
            written = ZSTD_decompressDCtx(context, output.baseAddress, output.count, input.baseAddress, input.count)
        } else {
            written = ZSTD_decompress(output.baseAddress, output.count, input.baseAddress, input.count)
        }
        if ZSTD_isError(written) != 0 {
            let reason = String(cString: ZSTD_getErrorName(written))  // fixed library text, never data
            if ZSTD_getErrorCode(written) == ZSTD_error_dstSize_tooSmall {
                throw CodecError(.sizeMismatch, .zstd, "stream decompresses to more than \(output.count) bytes")
            }
            throw CodecError(.corruptInput, .zstd, "\(reason) (input of \(input.count) bytes)")
        }
        guard written == output.count else {
            throw CodecError(.sizeMismatch, .zstd, "stream decompressed to \(written) bytes, expected \(output.count)")
        }
    }

    static func compress(_ input: UnsafeRawBufferPointer, level: Int) throws(CodecError) -> [UInt8] {
        let range = Int(ZSTD_minCLevel())...Int(ZSTD_maxCLevel())
        guard range.contains(level) else {
            throw CodecError(.invalidLevel, .zstd, "level \(level) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        let bound = ZSTD_compressBound(input.count)
        guard ZSTD_isError(bound) == 0 else { throw CodecError(.tooLarge, .zstd, "input of \(input.count) bytes is too large") }
        return try makeBytes(capacity: bound) { (out: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int in
            let written = ZSTD_compress(out.baseAddress, out.count, input.baseAddress, input.count, Int32(level))
            guard ZSTD_isError(written) == 0 else {
                throw CodecError(.libraryFailure, .zstd, "compression failed: \(String(cString: ZSTD_getErrorName(written)))")
            }
            return written
        }
    }

    /// One decompression context per thread: creating one costs ~7 µs, as much as decoding an 8 KiB page.
    /// Freed by the thread-specific-data destructor when the thread exits.
    private static let contextKey: pthread_key_t? = {
        var key = pthread_key_t()
        let created = pthread_key_create(&key) { context in
            ZSTD_freeDCtx(OpaquePointer(context))
        }
        return created == 0 ? key : nil
    }()

    private static func threadDecompressionContext() -> OpaquePointer? {
        guard let key = contextKey else { return nil }
        if let existing = pthread_getspecific(key) { return OpaquePointer(existing) }
        guard let context = ZSTD_createDCtx() else { return nil }
        guard pthread_setspecific(key, UnsafeRawPointer(context)) == 0 else {
            ZSTD_freeDCtx(context)
            return nil
        }
        return context
    }
}
