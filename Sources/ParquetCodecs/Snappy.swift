import CSnappy

/// SNAPPY: one raw snappy stream (varint uncompressed length, then tagged elements), no framing.
enum Snappy {
    static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(CodecError) {
        let src = input.bytes(as: CChar.self)
        var declared = 0
        guard snappy_uncompressed_length(src, input.count, &declared) == SNAPPY_OK else {
            throw CodecError(.corruptInput, .snappy, "the uncompressed-length preamble is malformed (input of \(input.count) bytes)")
        }
        guard declared == output.count else {
            throw CodecError(.sizeMismatch, .snappy, "stream declares \(declared) uncompressed bytes, expected \(output.count)")
        }
        // snappy checks every copy and literal against both buffers, so corrupt input cannot overrun.
        var written = output.count
        guard snappy_uncompress(src, input.count, output.bytes(as: CChar.self), &written) == SNAPPY_OK else {
            throw CodecError(.corruptInput, .snappy, "malformed compressed data (input of \(input.count) bytes)")
        }
        guard written == output.count else {
            throw CodecError(.sizeMismatch, .snappy, "stream decompressed to \(written) bytes, expected \(output.count)")
        }
    }

    static func compress(_ input: UnsafeRawBufferPointer) throws(CodecError) -> [UInt8] {
        let bound = snappy_max_compressed_length(input.count)
        // The bound is 32 + n + n/6; it only wraps for sizes no buffer can have.
        guard bound >= input.count else { throw CodecError(.tooLarge, .snappy, "input of \(input.count) bytes is too large") }
        return try makeBytes(capacity: bound) { (out: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int in
            var written = out.count
            guard snappy_compress(input.bytes(as: CChar.self), input.count, out.bytes(as: CChar.self), &written) == SNAPPY_OK else {
                throw CodecError(.libraryFailure, .snappy, "snappy_compress failed for \(input.count) bytes")
            }
            return written
        }
    }
}
