import Foundation
import Testing
import Columnar
@testable import Parquet

private let pyarrowAvailable: Bool = {
    let probe = Process()
    probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    probe.arguments = ["python3", "-c", "import pyarrow"]
    probe.standardError = FileHandle.nullDevice
    guard (try? probe.run()) != nil else { return false }
    probe.waitUntilExit()
    return probe.terminationStatus == 0
}()

/// Decodes delta-encoded pages written by pyarrow (Arrow C++), the reference our reader must match.
/// The test locates each page's data by its DELTA_BINARY_PACKED header instead of parsing the footer.
@Suite(.enabled(if: pyarrowAvailable, "needs python3 with pyarrow on PATH"))
struct PyArrowInteropTests {
    static let script = #"""
import sys, pyarrow as pa, pyarrow.parquet as pq
out = sys.argv[1]
ints = [(i * i * 7919) % 1000003 - 500000 for i in range(1000)] + [2**63 - 1, -2**63, 0, 5]
words = ["axis", "axle", "babble", "babyhood", "", "zebra", "zebras", "zebrastripe"] * 40
for name, col, enc in [("i64", pa.array(ints, pa.int64()), "DELTA_BINARY_PACKED"),
                       ("i32", pa.array([v % 2**31 - 2**30 for v in ints], pa.int32()), "DELTA_BINARY_PACKED"),
                       ("dlba", pa.array(words), "DELTA_LENGTH_BYTE_ARRAY"),
                       ("dba", pa.array(words), "DELTA_BYTE_ARRAY")]:
    pq.write_table(pa.table({"x": col}), f"{out}/{name}.parquet", use_dictionary=False,
                   column_encoding={"x": enc}, compression="none", data_page_version="2.0",
                   write_statistics=False)
"""#

    static var ints: [Int64] {
        (0..<1000).map { i in Int64((i * i * 7919) % 1000003 - 500000) } + [Int64.max, Int64.min, 0, 5]
    }
    static var words: [String] {
        Array(repeating: ["axis", "axle", "babble", "babyhood", "", "zebra", "zebras", "zebrastripe"], count: 40).flatMap { $0 }
    }

    func writeFiles() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("strongroom-enc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, dir.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "pyarrow failed to write the files: \(message)")
        return dir
    }

    /// Offset of a DELTA_BINARY_PACKED header announcing `count` values starting at `first`.
    func headerOffset(in file: [UInt8], count: Int, first: Int64) throws -> Int {
        var needle: [UInt8] = []
        ByteSink.appendULEB128(UInt64(count), to: &needle)
        ByteSink.appendZigZag(first, to: &needle)
        for start in 0...(file.count - needle.count) where Array(file[start..<(start + needle.count)]) == needle {
            // Block size (a ULEB128 multiple of 128 → 2 bytes here) and miniblock count precede it.
            if start >= 3 && file[start - 3] == 0x80 { return start - 3 }
        }
        throw ParquetError(.malformed, "no DELTA_BINARY_PACKED header found")
    }

    @Test func decodesArrowDeltaPages() throws {
        let dir = try writeFiles()
        defer { try? FileManager.default.removeItem(at: dir) }
        let load = { (name: String) throws -> [UInt8] in Array(try Data(contentsOf: dir.appendingPathComponent("\(name).parquet"))) }

        let i64 = try load("i64")
        let at64 = try headerOffset(in: i64, count: Self.ints.count, first: Self.ints[0])
        var out64: [Int64] = []
        try withBytes(Array(i64[at64...])) { raw in
            var d = try DeltaBinaryPackedDecoder(raw)
            try d.decode(into: &out64, count: Self.ints.count)
        }
        #expect(out64 == Self.ints)

        let ints32 = Self.ints.map { v -> Int32 in
            let m = ((v % (1 << 31)) + (1 << 31)) % (1 << 31)   // Python's modulo is never negative
            return Int32(m - (1 << 30))
        }
        let i32 = try load("i32")
        let at32 = try headerOffset(in: i32, count: ints32.count, first: Int64(ints32[0]))
        var out32: [Int32] = []
        try withBytes(Array(i32[at32...])) { raw in
            var d = try DeltaBinaryPackedDecoder(raw)
            try d.decode(into: &out32, count: ints32.count)
        }
        #expect(out32 == ints32)

        var expected = ByteArrays()
        for w in Self.words { expected.append(Array(w.utf8)) }
        let dlba = try load("dlba")
        let atL = try headerOffset(in: dlba, count: Self.words.count, first: Int64(Self.words[0].utf8.count))
        var gotL = ByteArrays()
        try withBytes(Array(dlba[atL...])) { _ = try DeltaLengthByteArray.decode($0, count: Self.words.count, into: &gotL) }
        #expect(gotL == expected)

        let dba = try load("dba")
        let atD = try headerOffset(in: dba, count: Self.words.count, first: 0)
        var gotD = ByteArrays()
        try withBytes(Array(dba[atD...])) { _ = try DeltaByteArray.decode($0, count: Self.words.count, into: &gotD) }
        #expect(gotD == expected)
    }
}
