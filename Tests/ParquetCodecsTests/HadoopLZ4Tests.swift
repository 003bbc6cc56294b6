import Testing
import ParquetCodecs

/// Codec id 5: Hadoop block framing built by hand around raw LZ4 blocks.
@Suite struct HadoopLZ4Tests {
    static func bigEndian(_ value: Int) -> [UInt8] {
        [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func block(_ data: ArraySlice<UInt8>) throws -> [UInt8] { try Codecs.compress(.lz4Raw, Array(data)) }

    /// One Hadoop block holding one chunk per part.
    static func frames(_ parts: [ArraySlice<UInt8>]) throws -> [UInt8] {
        var out: [UInt8] = []
        for part in parts {
            let chunk = try block(part)
            out += bigEndian(part.count) + bigEndian(chunk.count) + chunk
        }
        return out
    }

    let data = Samples.compressible(300_000, seed: 11)

    @Test func singleFrame() throws {
        let framed = try Self.frames([data[...]])
        #expect(try decompress(.lz4Hadoop, framed, size: data.count) == data)
    }

    @Test func severalFrames() throws {
        let framed = try Self.frames([data[..<1000], data[1000..<200_000], data[200_000...]])
        #expect(try decompress(.lz4Hadoop, framed, size: data.count) == data)
    }

    @Test func oneBlockSplitIntoChunks() throws {
        // Hadoop's BlockCompressorStream writes the block size once, then a chunk per buffer.
        var framed = Self.bigEndian(data.count)
        for part in [data[..<100_000], data[100_000..<250_000], data[250_000...]] {
            let chunk = try Self.block(part)
            framed += Self.bigEndian(chunk.count) + chunk
        }
        #expect(try decompress(.lz4Hadoop, framed, size: data.count) == data)
    }

    @Test func emptyBlocksWithAndWithoutAChunk() throws {
        let emptyChunk = try Self.block([])
        let framed = Self.bigEndian(0) + Self.bigEndian(0) + Self.bigEndian(emptyChunk.count) + emptyChunk
            + (try Self.frames([data[..<5000]]))
        #expect(try decompress(.lz4Hadoop, framed, size: 5000) == Array(data[..<5000]))
        #expect(try decompress(.lz4Hadoop, Self.bigEndian(0), size: 0) == [])
    }

    @Test func bareBlockFallsBackToRaw() throws {
        // Old parquet-cpp wrote codec id 5 pages as one raw block (non_hadoop_lz4_compressed.parquet).
        let bare = try Self.block(data[...])
        #expect(try decompress(.lz4Hadoop, bare, size: data.count) == data)
    }

    @Test func compressWritesOneFrame() throws {
        let framed = try Codecs.compress(.lz4Hadoop, data)
        #expect(Array(framed[0..<4]) == Self.bigEndian(data.count))
        #expect(Array(framed[4..<8]) == Self.bigEndian(framed.count - 8))
        #expect(try Codecs.decompress(.lz4Raw, Array(framed[8...]), uncompressedSize: data.count) == data)
    }

    @Test func framingThatDoesNotAddUpThrows() throws {
        let good = try Self.frames([data[..<1000], data[1000..<2000]])
        // Header claims more bytes than the page holds.
        var overlong = good
        overlong[3] &+= 1
        #expect(throws: CodecError.self) { try decompress(.lz4Hadoop, overlong, size: 2000) }
        // Chunk length runs past the input.
        var pastEnd = good
        pastEnd[4] = 0x7F
        #expect(throws: CodecError.self) { try decompress(.lz4Hadoop, pastEnd, size: 2000) }
        // Frames are fine but the page header expects another size.
        #expect(throws: CodecError.self) { try decompress(.lz4Hadoop, good, size: 2001) }
        #expect(throws: CodecError.self) { try decompress(.lz4Hadoop, good, size: 1999) }
        // Truncated inside the second frame's header.
        #expect(throws: CodecError.self) { try decompress(.lz4Hadoop, Array(good[..<(good.count / 2 + 2)]), size: 2000) }
    }
}
