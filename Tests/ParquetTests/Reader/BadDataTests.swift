import Foundation
import Parquet
import Testing

/// apache/parquet-testing bad_data: each file must be rejected with an error, never a crash
/// or silently wrong rows.
@Suite("parquet-testing bad_data")
struct BadDataTests {
    static let files: [String] = {
        let dir = Vectors.parquet.appendingPathComponent("bad_data")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
            .filter { $0.hasSuffix(".parquet") }.sorted()
    }()

    @Test func present() { #expect(Self.files.count >= 8) }

    /// Bit width 0 for dictionary indices is legal when every index is 0; Arrow's fix for
    /// GH-43605 reads this file as 21186 zeros, and so do we.
    @Test func zeroBitWidthDictionaryIndices() throws {
        let reader = try ParquetFileReader(path: Vectors.parquet.appendingPathComponent("bad_data/ARROW-GH-43605.parquet").path)
        let batch = try reader.readRowGroup(0)
        #expect(batch.rowCount == 21186)
        guard case .int32(let values) = batch.columns[0].values else { Issue.record("storage"); return }
        #expect(values.allSatisfy { $0 == 0 })
        #expect(batch.columns[0].nullCount == 0)
    }

    @Test("rejected with a clear error", arguments: files.filter { $0 != "ARROW-GH-43605.parquet" })
    func rejected(file: String) {
        let path = Vectors.parquet.appendingPathComponent("bad_data/\(file)").path
        let error = #expect(throws: ParquetError.self) {
            let reader = try ParquetFileReader(path: path)
            _ = try reader.readAll()
        }
        if let error {
            #expect(error.message.contains(file), "the message names the file: \(error.message)")
        }
    }
}

/// Truncating or flipping bytes of good files gives errors, never crashes.
@Suite("damaged files")
struct DamagedFileTests {
    static let samples = ["alltypes_plain.parquet", "datapage_v2.snappy.parquet", "nested_maps.snappy.parquet",
                          "delta_byte_array.parquet", "byte_stream_split.zstd.parquet", "nulls.snappy.parquet"]

    @Test("every truncation fails cleanly", arguments: samples)
    func truncations(file: String) throws {
        let original = try Data(contentsOf: Vectors.parquet.appendingPathComponent("plain/\(file)"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sr-trunc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let step = max(1, original.count / 97)
        for length in stride(from: 0, to: original.count, by: step) {
            let url = dir.appendingPathComponent("t.parquet")
            try original.prefix(length).write(to: url)
            #expect(throws: ParquetError.self, "length \(length)") {
                _ = try ParquetFileReader(path: url.path).readAll()
            }
        }
    }

    @Test("flipped bytes never crash", arguments: samples)
    func flips(file: String) throws {
        let original = [UInt8](try Data(contentsOf: Vectors.parquet.appendingPathComponent("plain/\(file)")))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sr-flip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SeededGenerator(seed: 42)
        for _ in 0..<150 {
            var damaged = original
            let position = Int(rng.next() % UInt64(damaged.count))
            damaged[position] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            let url = dir.appendingPathComponent("f.parquet")
            try Data(damaged).write(to: url)
            // Either an error or a result; what matters is that the process survives.
            _ = try? ParquetFileReader(path: url.path).readAll()
        }
    }
}
