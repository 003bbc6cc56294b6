import CZlib

/// GZIP: RFC 1952 members (zlib-wrapped streams are accepted too). A page may hold several
/// concatenated members (parquet-testing concatenated_gzip_members.parquet), so inflation
/// restarts after each member until the input is used up.
enum Gzip {
    static let defaultLevel = 6
    /// windowBits 15 plus 32: detect a gzip or zlib header automatically.
    private static let inflateWindowBits: Int32 = 15 + 32
    /// windowBits 15 plus 16: write a gzip header and trailer.
    private static let deflateWindowBits: Int32 = 15 + 16
    /// zlib counts in 32-bit `uInt`; larger buffers are fed in pieces.
    private static let maxStep = Int(UInt32.max)

    static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(CodecError) {
        var stream = z_stream()
        guard inflateInit2_(&stream, inflateWindowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw CodecError(.libraryFailure, .gzip, "inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        let src = UnsafeMutablePointer(mutating: input.bytes(as: Bytef.self))
        let dst = output.bytes(as: Bytef.self)
        var consumed = 0
        var produced = 0
        var members = 1
        while true {
            let inStep = min(input.count - consumed, maxStep)
            let outStep = min(output.count - produced, maxStep)
            stream.next_in = src + consumed
            stream.avail_in = UInt32(inStep)
            stream.next_out = dst + produced
            stream.avail_out = UInt32(outStep)
            let status = inflate(&stream, Z_NO_FLUSH)
            consumed += inStep - Int(stream.avail_in)
            produced += outStep - Int(stream.avail_out)
            switch status {
            case Z_OK:
                continue  // progress was made; zlib reports Z_BUF_ERROR when none is possible
            case Z_STREAM_END:
                if consumed == input.count {
                    guard produced == output.count else {
                        throw CodecError(.sizeMismatch, .gzip, "stream decompressed to \(produced) bytes, expected \(output.count)")
                    }
                    return
                }
                guard inflateReset(&stream) == Z_OK else { throw CodecError(.libraryFailure, .gzip, "inflateReset failed") }
                members += 1
            case Z_BUF_ERROR where produced == output.count:
                throw CodecError(.sizeMismatch, .gzip, "stream decompresses to more than \(output.count) bytes (member \(members))")
            case Z_BUF_ERROR:
                throw CodecError(.corruptInput, .gzip, "stream is truncated: input ends at byte \(input.count) inside member \(members)")
            case Z_NEED_DICT:
                throw CodecError(.corruptInput, .gzip, "member \(members) needs a preset dictionary (input byte \(consumed))")
            case Z_MEM_ERROR:
                throw CodecError(.libraryFailure, .gzip, "zlib is out of memory")
            default:
                // zlib's messages are fixed texts such as "invalid block type"; they never quote data.
                let reason = stream.msg.map { String(cString: $0) } ?? "inflate error \(status)"
                throw CodecError(.corruptInput, .gzip, "\(reason) near input byte \(consumed) (member \(members))")
            }
        }
    }

    static func compress(_ input: UnsafeRawBufferPointer, level: Int) throws(CodecError) -> [UInt8] {
        guard (0...9).contains(level) else { throw CodecError(.invalidLevel, .gzip, "level \(level) is outside 0...9") }
        var stream = z_stream()
        guard deflateInit2_(&stream, Int32(level), Z_DEFLATED, deflateWindowBits, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw CodecError(.libraryFailure, .gzip, "deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        // deflateBound includes the gzip header and trailer; the final deflate call needs no more room.
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        return try makeBytes(capacity: bound) { (out: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int in
            let src = UnsafeMutablePointer(mutating: input.bytes(as: Bytef.self))
            let dst = out.bytes(as: Bytef.self)
            var consumed = 0
            var produced = 0
            while true {
                let inStep = min(input.count - consumed, maxStep)
                let outStep = min(out.count - produced, maxStep)
                stream.next_in = src + consumed
                stream.avail_in = UInt32(inStep)
                stream.next_out = dst + produced
                stream.avail_out = UInt32(outStep)
                let last = consumed + inStep == input.count
                let status = deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH)
                consumed += inStep - Int(stream.avail_in)
                produced += outStep - Int(stream.avail_out)
                switch status {
                case Z_STREAM_END: return produced
                case Z_OK: continue
                default: throw CodecError(.libraryFailure, .gzip, "deflate failed with status \(status)")
                }
            }
        }
    }
}
