import Foundation
import ParquetCodecs

/// Deterministic test data: SplitMix64, so failures reproduce from the seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Samples {
    static func random(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
    }

    /// Column-like data: small integers and repeated words, which every codec shrinks.
    static func compressible(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = SeededGenerator(seed: seed)
        let words: [[UInt8]] = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"].map { Array($0.utf8) }
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            if Bool.random(using: &rng) {
                out.append(contentsOf: words[Int.random(in: 0..<words.count, using: &rng)])
            } else {
                var v = UInt32.random(in: 0..<1000, using: &rng).littleEndian
                withUnsafeBytes(of: &v) { out.append(contentsOf: $0) }
            }
        }
        return Array(out.prefix(count))
    }

    /// The data sets every codec must round-trip.
    static let roundTrip: [(name: String, bytes: [UInt8])] = [
        ("empty", []),
        ("one byte", [42]),
        ("random 100 KiB", random(100 << 10, seed: 1)),
        ("compressible 1 MiB", compressible(1 << 20, seed: 2)),
        ("zeros 300 KiB", [UInt8](repeating: 0, count: 300 << 10)),
    ]
}

enum Hex {
    static func decode(_ text: String) -> [UInt8] {
        let utf8 = Array(text.utf8)
        precondition(utf8.count % 2 == 0, "odd hex length")
        func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : (c | 0x20) - 87 }
        return stride(from: 0, to: utf8.count, by: 2).map { nibble(utf8[$0]) << 4 | nibble(utf8[$0 + 1]) }
    }
}

/// Runs python3 (with pyarrow) as the independent implementation the codecs are checked against.
enum Python {
    static let isAvailable: Bool = (try? run("import pyarrow, zlib; print('ok')")) == "ok\n"

    static func run(_ script: String, arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        try process.run()
        // Read before waiting so a large output cannot fill the pipe and block the child.
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PythonFailure(status: process.terminationStatus)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Each output line parsed as JSON.
    static func jsonLines<T: Decodable>(_ type: T.Type, _ script: String, arguments: [String] = []) throws -> [T] {
        let decoder = JSONDecoder()
        return try run(script, arguments: arguments).split(separator: "\n").map {
            try decoder.decode(T.self, from: Data($0.utf8))
        }
    }

    struct PythonFailure: Error { let status: Int32 }
}

extension PageCodec {
    /// The name pyarrow.compress/decompress uses; nil for LZ4 with Hadoop framing, which pyarrow does not expose.
    var pyarrowName: String? {
        switch self {
        case .snappy: "snappy"
        case .gzip: "gzip"
        case .brotli: "brotli"
        case .zstd: "zstd"
        case .lz4Raw: "lz4_raw"
        case .lz4Hadoop: nil
        }
    }

    init?(testName: String) {
        guard let codec = PageCodec.allCases.first(where: { "\($0)" == testName }) else { return nil }
        self = codec
    }
}

/// Decompresses into a buffer of exactly `size` bytes, as a page reader does.
func decompress(_ codec: PageCodec, _ input: [UInt8], size: Int) throws(CodecError) -> [UInt8] {
    try Codecs.decompress(codec, input, uncompressedSize: size)
}
