import CBrotli

/// BROTLI: one brotli stream (RFC 7932). Decoded with the streaming API in a single call, which
/// tells truncation, overlong output and corruption apart.
enum Brotli {
    static let defaultLevel = 5

    static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(CodecError) {
        guard let decoder = BrotliDecoderCreateInstance(nil, nil, nil) else {
            throw CodecError(.libraryFailure, .brotli, "cannot create a decoder")
        }
        defer { BrotliDecoderDestroyInstance(decoder) }
        var availableIn = input.count
        var nextIn: UnsafePointer<UInt8>? = input.bytes(as: UInt8.self)
        var availableOut = output.count
        var nextOut: UnsafeMutablePointer<UInt8>? = output.bytes(as: UInt8.self)
        let result = BrotliDecoderDecompressStream(decoder, &availableIn, &nextIn, &availableOut, &nextOut, nil)
        let consumed = input.count - availableIn
        let produced = output.count - availableOut
        switch result {
        case BROTLI_DECODER_RESULT_SUCCESS:
            guard availableIn == 0 else {
                throw CodecError(.corruptInput, .brotli, "\(availableIn) trailing bytes after the stream end at input byte \(consumed)")
            }
            guard produced == output.count else {
                throw CodecError(.sizeMismatch, .brotli, "stream decompressed to \(produced) bytes, expected \(output.count)")
            }
        case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
            throw CodecError(.sizeMismatch, .brotli, "stream decompresses to more than \(output.count) bytes")
        case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
            throw CodecError(.corruptInput, .brotli, "stream is truncated: input ends at byte \(input.count)")
        default:
            // Brotli's error strings are fixed names such as "_ERROR_FORMAT_PADDING_1"; they never quote data.
            let reason = String(cString: BrotliDecoderErrorString(BrotliDecoderGetErrorCode(decoder)))
            throw CodecError(.corruptInput, .brotli, "\(reason) near input byte \(consumed)")
        }
    }

    static func compress(_ input: UnsafeRawBufferPointer, level: Int) throws(CodecError) -> [UInt8] {
        guard (Int(BROTLI_MIN_QUALITY)...Int(BROTLI_MAX_QUALITY)).contains(level) else {
            throw CodecError(.invalidLevel, .brotli, "quality \(level) is outside \(BROTLI_MIN_QUALITY)...\(BROTLI_MAX_QUALITY)")
        }
        let bound = BrotliEncoderMaxCompressedSize(input.count)
        guard bound > 0 else { throw CodecError(.tooLarge, .brotli, "input of \(input.count) bytes is too large") }
        return try makeBytes(capacity: bound) { (out: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int in
            var written = out.count
            guard BrotliEncoderCompress(Int32(level), BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, input.count,
                                        input.bytes(as: UInt8.self), &written, out.bytes(as: UInt8.self)) == BROTLI_TRUE else {
                throw CodecError(.libraryFailure, .brotli, "compression of \(input.count) bytes failed")
            }
            return written
        }
    }
}
