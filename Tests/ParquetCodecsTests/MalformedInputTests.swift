import Testing
import ParquetCodecs

/// Bad input must throw a CodecError, never crash, hang, or touch memory outside the buffers.
@Suite struct MalformedInputTests {
    static let data = Samples.compressible(50_000, seed: 21)

    @Test(arguments: PageCodec.allCases)
    func truncatedStreamsThrow(codec: PageCodec) throws {
        let compressed = try Codecs.compress(codec, Self.data)
        for cut in [0, 1, 4, 9, compressed.count / 3, compressed.count / 2, compressed.count - 1] {
            #expect(throws: CodecError.self, "\(codec) cut at \(cut)") {
                try decompress(codec, Array(compressed[..<cut]), size: Self.data.count)
            }
        }
    }

    @Test(arguments: PageCodec.allCases)
    func wrongUncompressedSizeThrows(codec: PageCodec) throws {
        let compressed = try Codecs.compress(codec, Self.data)
        for size in [0, 1, Self.data.count - 1, Self.data.count + 1, Self.data.count * 2] {
            #expect(throws: CodecError.self, "\(codec) size \(size)") { try decompress(codec, compressed, size: size) }
        }
    }

    @Test func sizeMismatchIsReportedAsSuch() throws {
        for codec in [PageCodec.snappy, .gzip, .zstd, .brotli] {
            let compressed = try Codecs.compress(codec, Self.data)
            #expect(throws: CodecError(.sizeMismatch, codec, "")) { try decompress(codec, compressed, size: Self.data.count + 1) }
            #expect(throws: CodecError(.sizeMismatch, codec, "")) { try decompress(codec, compressed, size: Self.data.count - 1) }
        }
    }

    @Test(arguments: PageCodec.allCases)
    func randomBytesNeverCrashOrOverrun(codec: PageCodec) {
        var rng = SeededGenerator(seed: 0xC0DEC + UInt64(codec.thriftID))
        for _ in 0..<2000 {
            let input = Samples.random(Int.random(in: 0...300, using: &rng), seed: rng.next())
            checkGuarded(codec, input, size: Int.random(in: 0...2000, using: &rng))
        }
    }

    @Test(arguments: PageCodec.allCases)
    func flippedBitsNeverCrashOrOverrun(codec: PageCodec) throws {
        let compressed = try Codecs.compress(codec, Self.data)
        var rng = SeededGenerator(seed: 77)
        for _ in 0..<300 {
            var damaged = compressed
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                damaged[Int.random(in: 0..<damaged.count, using: &rng)] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            }
            checkGuarded(codec, damaged, size: Self.data.count)
        }
    }

    @Test func trailingGarbageThrows() throws {
        for codec in [PageCodec.gzip, .zstd, .brotli, .snappy, .lz4Raw] {
            let compressed = try Codecs.compress(codec, Self.data)
            #expect(throws: CodecError.self, "\(codec)") { try decompress(codec, compressed + [1, 2, 3, 4, 5, 6, 7, 8], size: Self.data.count) }
        }
    }

    @Test func messagesNameCodecAndPlace() throws {
        var compressed = try Codecs.compress(.gzip, Self.data)
        compressed[0] = 0  // breaks the gzip magic
        do {
            _ = try decompress(.gzip, compressed, size: Self.data.count)
            Issue.record("corrupt header accepted")
        } catch {
            #expect(error.code == .corruptInput)
            #expect(error.description.hasPrefix("GZIP corruptInput: "))
            #expect(error.message.contains("byte"))
        }
    }

    /// Decompresses into a buffer flanked by guard bytes; the call may throw but must not write outside.
    func checkGuarded(_ codec: PageCodec, _ input: [UInt8], size: Int) {
        var buffer = [UInt8](repeating: 0x5A, count: size + 32)
        input.withUnsafeBytes { raw in
            buffer.withUnsafeMutableBytes { whole in
                _ = try? Codecs.decompress(codec, raw, into: UnsafeMutableRawBufferPointer(rebasing: whole[16..<(16 + size)]))
            }
        }
        #expect(buffer[..<16].allSatisfy { $0 == 0x5A } && buffer[(16 + size)...].allSatisfy { $0 == 0x5A })
    }
}
