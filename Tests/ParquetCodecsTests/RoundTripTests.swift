import Testing
@testable import ParquetCodecs

@Suite struct RoundTripTests {
    @Test(arguments: PageCodec.allCases)
    func roundTripsEverySample(codec: PageCodec) throws {
        for sample in Samples.roundTrip {
            let compressed = try Codecs.compress(codec, sample.bytes)
            let restored = try decompress(codec, compressed, size: sample.bytes.count)
            #expect(restored == sample.bytes, "\(codec) \(sample.name)")
        }
    }

    @Test(arguments: PageCodec.allCases)
    func compressibleDataShrinks(codec: PageCodec) throws {
        let data = Samples.compressible(1 << 20, seed: 3)
        let compressed = try Codecs.compress(codec, data)
        #expect(compressed.count < data.count * 3 / 4, "\(codec): \(compressed.count) bytes")
    }

    @Test(arguments: [
        (PageCodec.gzip, [0, 1, 9]), (.zstd, [-5, 1, 3, 19]), (.brotli, [0, 5, 11]),
        (.lz4Raw, [0, 1, 9, 12]), (.lz4Hadoop, [1, 12]),
    ])
    func roundTripsAtLevels(codec: PageCodec, levels: [Int]) throws {
        let data = Samples.compressible(200 << 10, seed: 4)
        for level in levels {
            let compressed = try Codecs.compress(codec, data, level: level)
            #expect(try decompress(codec, compressed, size: data.count) == data, "\(codec) level \(level)")
        }
    }

    @Test(arguments: [(PageCodec.gzip, 10), (.zstd, 23), (.brotli, 12), (.lz4Raw, -1), (.lz4Hadoop, 13)])
    func rejectsLevelsOutOfRange(codec: PageCodec, level: Int) {
        #expect(throws: CodecError(.invalidLevel, codec, "")) { try Codecs.compress(codec, [1, 2, 3], level: level) }
    }

    @Test func emptyBodyIsAnEmptyPageForEveryCodec() throws {
        // datapage_v2_empty_datapage.snappy.parquet stores a zero-byte body for a zero-byte page.
        for codec in PageCodec.allCases {
            #expect(try decompress(codec, [], size: 0) == [])
        }
    }

    @Test func decompressesIntoCallerMemory() throws {
        let data = Samples.compressible(70_000, seed: 5)
        for codec in PageCodec.allCases {
            let compressed = try Codecs.compress(codec, data)
            // Surround the destination with guard bytes that must stay untouched.
            var buffer = [UInt8](repeating: 0xA5, count: data.count + 64)
            try compressed.withUnsafeBytes { input in
                try buffer.withUnsafeMutableBytes { whole in
                    try Codecs.decompress(codec, input, into: UnsafeMutableRawBufferPointer(rebasing: whole[32..<(32 + data.count)]))
                }
            }
            #expect(Array(buffer[32..<(32 + data.count)]) == data, "\(codec)")
            #expect(buffer[..<32].allSatisfy { $0 == 0xA5 } && buffer[(32 + data.count)...].allSatisfy { $0 == 0xA5 }, "\(codec)")
        }
    }

    @Test func decodesOnManyThreadsAtOnce() async throws {
        // zstd keeps one context per thread; a page decoded after a failure on the same thread must still work.
        let pages = (0..<8).map { Samples.compressible(20_000 + $0 * 3000, seed: 100 + UInt64($0)) }
        let compressed = try pages.map { try Codecs.compress(.zstd, $0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask { () async throws -> Void in
                    for round in 0..<50 {
                        let i = (worker + round) % pages.count
                        if round % 7 == 0 {
                            _ = try? decompress(.zstd, Array(compressed[i].dropLast(3)), size: pages[i].count)
                        }
                        #expect(try decompress(.zstd, compressed[i], size: pages[i].count) == pages[i])
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func thriftIDsMatchParquetThrift() {
        let expected: [PageCodec: Int32] = [.snappy: 1, .gzip: 2, .brotli: 4, .lz4Hadoop: 5, .zstd: 6, .lz4Raw: 7]
        for (codec, id) in expected {
            #expect(codec.thriftID == id)
            #expect(PageCodec(thriftID: id) == codec)
        }
        #expect(PageCodec(thriftID: 0) == nil)  // UNCOMPRESSED is not a codec
        #expect(PageCodec(thriftID: 3) == nil)  // LZO is unsupported
        #expect(PageCodec(thriftID: 8) == nil)
    }
}
