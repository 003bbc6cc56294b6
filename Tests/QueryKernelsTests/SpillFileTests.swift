import Columnar
import Foundation
@testable import QueryKernels
import Testing

/// Spill files as an attacker with access to the disk sees them: ciphertext only, no name to
/// find, and any change to the bytes (a flipped bit, blocks swapped or replayed, a truncation)
/// is an error when the block is read back, never different rows.
@Suite("spill files")
struct SpillFileTests {
    static let marker = "PATIENT-4711-SECRET"

    static let schema = Schema([
        Field("id", .int64), Field("name", .string), Field("amount", .decimal(precision: 12, scale: 2)),
        Field("f", .float64), Field("ok", .boolean), Field("d", .date), Field("wide", .decimal(precision: 30, scale: 3)),
    ])

    static func batch(_ base: Int, rows: Int = 50) -> RecordBatch {
        var names = ByteArrays()
        for i in 0..<rows { names.append(Array("\(marker)-\(base + i)".utf8)) }
        var wide: [UInt8] = []
        for i in 0..<rows { wide += [UInt8](repeating: 0, count: 15) + [UInt8(i % 256)] }
        return RecordBatch(schema: schema, columns: [
            Column(type: .int64, values: .int64((0..<rows).map { Int64(base + $0) })),
            Column(type: .string, values: .bytes(names), validity: (0..<rows).map { $0 % 7 != 0 }),
            Column(type: .decimal(precision: 12, scale: 2), values: .int64((0..<rows).map { Int64($0 * 101) })),
            Column(type: .float64, values: .float64((0..<rows).map { Double($0) / 3 })),
            Column(type: .boolean, values: .boolean((0..<rows).map { $0 % 2 == 0 })),
            Column(type: .date, values: .int32((0..<rows).map { Int32($0) })),
            Column(type: .decimal(precision: 30, scale: 3), values: .fixed(width: 16, data: wide)),
        ])
    }

    /// The bytes on disk, through the descriptor, as root would read them from /proc.
    static func disk(_ file: SpillFile) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: "/proc/self/fd/\(file.fileDescriptor)"))
    }

    static func overwrite(_ file: SpillFile, with bytes: Data) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: "/proc/self/fd/\(file.fileDescriptor)"))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: bytes)
        try handle.close()
    }

    static func withFile(_ body: (SpillFile, String) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spill-test-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try SpillFile(directory: dir.path)
        try file.append(batch(0))
        try file.append(batch(50))
        try body(file, dir.path)
    }

    @Test func roundTripsEveryColumnKind() throws {
        try Self.withFile { file, _ in
            let first = try file.read(0, schema: Self.schema), second = try file.read(1, schema: Self.schema)
            #expect(first == Self.batch(0))
            #expect(second == Self.batch(50))
            #expect(file.rowCount == 100)
        }
    }

    @Test func holdsOnlyCiphertextAndHasNoName() throws {
        try Self.withFile { file, dir in
            let bytes = try Self.disk(file)
            #expect(bytes.count > 1000)
            #expect(bytes.range(of: Data(Self.marker.utf8)) == nil, "a data value is readable on disk")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "the spill file has a name in its directory")
        }
    }

    @Test func aFlippedBitIsDetected() throws {
        try Self.withFile { file, _ in
            var bytes = try Self.disk(file)
            bytes[bytes.count - 40] ^= 0x01  // inside block 1
            try Self.overwrite(file, with: bytes)
            #expect(try file.read(0, schema: Self.schema) == Self.batch(0))
            let error = #expect(throws: QueryError.self) { _ = try file.read(1, schema: Self.schema) }
            #expect(error?.message.contains("failed authentication") == true)
        }
    }

    @Test func swappedAndReplayedBlocksAreDetected() throws {
        try Self.withFile { file, _ in
            let bytes = try Self.disk(file)
            let half = bytes.count / 2  // two blocks of the same size
            try Self.overwrite(file, with: bytes[half...] + bytes[..<half])
            #expect(throws: QueryError.self) { _ = try file.read(0, schema: Self.schema) }
            #expect(throws: QueryError.self) { _ = try file.read(1, schema: Self.schema) }
            try Self.overwrite(file, with: bytes[..<half] + bytes[..<half])  // block 0 replayed as block 1
            #expect(try file.read(0, schema: Self.schema) == Self.batch(0))
            #expect(throws: QueryError.self) { _ = try file.read(1, schema: Self.schema) }
        }
    }

    @Test func blocksFromAnotherSpillFileAreRefused() throws {
        try Self.withFile { file, dir in
            let other = try SpillFile(directory: dir)
            try other.append(Self.batch(0))
            try other.append(Self.batch(50))
            try Self.overwrite(file, with: try Self.disk(other))
            #expect(throws: QueryError.self) { _ = try file.read(0, schema: Self.schema) }
        }
    }

    @Test func truncationIsDetected() throws {
        try Self.withFile { file, _ in
            let bytes = try Self.disk(file)
            try Self.overwrite(file, with: bytes.prefix(bytes.count - 10))
            let error = #expect(throws: QueryError.self) { _ = try file.read(1, schema: Self.schema) }
            #expect(error?.message.contains("truncated") == true)
        }
    }

    @Test func anUnwritableDirectoryIsAClearError() {
        let error = #expect(throws: QueryError.self) { _ = try SpillFile(directory: "/nonexistent/spill") }
        #expect(error?.message.contains("STRONGROOM_SPILL_DIR") == true)
    }
}
