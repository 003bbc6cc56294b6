import CLZ4

/// LZ4_RAW is one raw LZ4 block. Codec id 5 (LZ4) is the Hadoop block format: blocks of
/// [4-byte BE uncompressed size] then chunks of [4-byte BE compressed size][raw block] until that
/// size is reached. Old parquet-cpp wrote a bare block under id 5, so if the framing does not
/// describe the whole input exactly, the input is decoded as one raw block instead (as Arrow does).
enum LZ4 {
    /// Levels 0 and 1 use the fast compressor; 2...12 the high-compression one (LZ4HC).
    static let defaultLevel = 1
    private static let maxBlock = Int(Int32.max)

    static func decompressBlock(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, codec: PageCodec
    ) throws(CodecError) {
        guard input.count <= maxBlock, output.count <= maxBlock else {
            throw CodecError(.tooLarge, codec, "LZ4 blocks are limited to 2 GiB (input \(input.count), output \(output.count) bytes)")
        }
        let written = LZ4_decompress_safe(input.bytes(as: CChar.self), output.bytes(as: CChar.self),
                                          Int32(input.count), Int32(output.count))
        guard written >= 0 else {
            // The result is minus the failing input position, minus one. Overlong output lands here too.
            throw CodecError(.corruptInput, codec,
                             "malformed block or more than \(output.count) uncompressed bytes (error near input byte \(-(Int(written) + 1)))")
        }
        guard Int(written) == output.count else {
            throw CodecError(.sizeMismatch, codec, "block decompressed to \(written) bytes, expected \(output.count)")
        }
    }

    static func decompressHadoop(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(CodecError) {
        if decodeHadoopFraming(input, into: output) { return }
        do {
            try decompressBlock(input, into: output, codec: .lz4Hadoop)
        } catch {
            throw CodecError(error.code, .lz4Hadoop, "neither Hadoop framing nor a raw block: \(error.message)")
        }
    }

    /// True when the whole input is valid Hadoop framing that fills `output` exactly.
    private static func decodeHadoopFraming(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Bool {
        let src = input.bytes(as: CChar.self)
        let dst = output.bytes(as: CChar.self)
        var pos = 0
        var produced = 0
        // Every iteration consumes at least 4 input bytes, so both loops end.
        while pos < input.count {
            guard let blockSize = readBigEndian32(input, at: pos) else { return false }
            pos += 4
            guard blockSize <= output.count - produced, blockSize <= maxBlock else { return false }
            let blockEnd = produced + blockSize
            if blockSize == 0 {
                // Some writers add a chunk that decodes to nothing; Hadoop itself writes none.
                if let chunk = readBigEndian32(input, at: pos), chunk <= input.count - pos - 4,
                   LZ4_decompress_safe(src + pos + 4, dst + produced, Int32(chunk), 0) == 0 {
                    pos += 4 + chunk
                }
                continue
            }
            while produced < blockEnd {
                guard let chunk = readBigEndian32(input, at: pos), chunk <= input.count - pos - 4 else { return false }
                pos += 4
                let written = LZ4_decompress_safe(src + pos, dst + produced, Int32(chunk), Int32(blockEnd - produced))
                guard written >= 0 else { return false }
                pos += chunk
                produced += Int(written)
            }
        }
        return produced == output.count
    }

    /// A 4-byte big-endian length at `offset`, if it is inside `input` and at most `Int32.max`.
    @inline(__always)
    private static func readBigEndian32(_ input: UnsafeRawBufferPointer, at offset: Int) -> Int? {
        guard input.count - offset >= 4 else { return nil }
        let value = Int(input[offset]) << 24 | Int(input[offset + 1]) << 16 | Int(input[offset + 2]) << 8 | Int(input[offset + 3])
        return value <= maxBlock ? value : nil
    }

    static func compressBlock(_ input: UnsafeRawBufferPointer, level: Int) throws(CodecError) -> [UInt8] {
        let bound = try blockBound(input, level: level, codec: .lz4Raw)
        return try makeBytes(capacity: bound) { (out: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int in
            try compressBlock(input, into: out, level: level, codec: .lz4Raw)
        }
    }

    /// One Hadoop block holding one chunk: what parquet-mr and Arrow write.
    static func compressHadoop(_ input: UnsafeRawBufferPointer, level: Int) throws(CodecError) -> [UInt8] {
        let bound = try blockBound(input, level: level, codec: .lz4Hadoop)
        return try makeBytes(capacity: 8 + bound) { (out: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int in
            let body = UnsafeMutableRawBufferPointer(rebasing: out[8...])
            let written = try compressBlock(UnsafeRawBufferPointer(input), into: body, level: level, codec: .lz4Hadoop)
            out.storeBytes(of: UInt32(input.count).bigEndian, toByteOffset: 0, as: UInt32.self)
            out.storeBytes(of: UInt32(written).bigEndian, toByteOffset: 4, as: UInt32.self)
            return 8 + written
        }
    }

    private static func blockBound(_ input: UnsafeRawBufferPointer, level: Int, codec: PageCodec) throws(CodecError) -> Int {
        guard (0...12).contains(level) else { throw CodecError(.invalidLevel, codec, "level \(level) is outside 0...12") }
        guard input.count <= Int(LZ4_MAX_INPUT_SIZE) else {
            throw CodecError(.tooLarge, codec, "input of \(input.count) bytes exceeds LZ4's block limit")
        }
        return Int(LZ4_compressBound(Int32(input.count)))
    }

    private static func compressBlock(
        _ input: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, level: Int, codec: PageCodec
    ) throws(CodecError) -> Int {
        let src = input.bytes(as: CChar.self)
        let dst = out.bytes(as: CChar.self)
        let written = level <= 1
            ? LZ4_compress_default(src, dst, Int32(input.count), Int32(out.count))
            : LZ4_compress_HC(src, dst, Int32(input.count), Int32(out.count), Int32(level))
        guard written > 0 else { throw CodecError(.libraryFailure, codec, "compression of \(input.count) bytes failed") }
        return Int(written)
    }
}
