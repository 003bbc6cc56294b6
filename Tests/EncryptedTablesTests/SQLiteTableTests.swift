import AlwaysEncrypted
import Columnar
import Foundation
import Query
import QueryKernels
import Testing
@testable import EncryptedTables

/// Writer → database → reader on real SQLite files, with a local RSA column master key.
@Suite(.serialized) struct SQLiteTableTests {
    static let cmk = try! ColumnMasterKey.generate(keyPath: "test-cmk")
    let directory: String
    let keys = ColumnKeySources(localMasterKeys: ["CMK1": SQLiteTableTests.cmk])

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sr-tables-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func database() async throws -> DatabaseLocation {
        let location = DatabaseLocation.sqlite(path: directory + "/t.db")
        try await KeyAdministration.createMasterKey(.init(name: "CMK1", provider: ColumnKeySources.keyFileProvider, keyPath: "test-cmk"), in: location)
        try await KeyAdministration.createEncryptionKey(name: "CEK1", masterKeys: ["CMK1"], in: location, keys: keys)
        return location
    }

    /// Every mapped type, with NULLs.
    static func sampleBatch() -> RecordBatch {
        let valid = [true, false, true, true]
        func column(_ type: DataType, _ values: ColumnValues) -> Column { Column(type: type, values: values, validity: valid) }
        var strings = ByteArrays(), blobs = ByteArrays()
        for s in ["Zoë", "", "", "日本語 text"] { strings.append(s.utf8) }
        for b in [[0, 1, 255], [], [7], []] as [[UInt8]] { blobs.append(b) }
        var wide: [UInt8] = []
        for v: Int128 in [123_456_789_012_345_678_901_234, 0, -1, -99_999_999_999_999_999_999] { EngineColumnBuilder.appendBigEndian(v, to: &wide) }
        let columns: [(String, Column)] = [
            ("flag", column(.boolean, .boolean([true, false, false, true]))),
            ("small", column(.int16, .int32([-32768, 0, 5, 32767]))),
            ("i32", column(.int32, .int32([.min, 0, 1, .max]))),
            ("i64", column(.int64, .int64([.min, 0, -1, .max]))),
            ("f32", column(.float32, .float32([1.5, 0, -0.25, .greatestFiniteMagnitude]))),  // SQL Server has no infinities
            ("f64", column(.float64, .float64([3.141592653589793, 0, -1e300, 2.5e-308]))),
            ("d9", column(.decimal(precision: 9, scale: 2), .int64([1234567, 0, -1, -99_999_999]))),
            ("d38", column(.decimal(precision: 38, scale: 10), .fixed(width: 16, data: wide))),
            ("day", column(.date, .int32([-719_162, 0, 19_782, 2_932_896]))),
            ("at", column(.timestamp(.micros, utc: false), .int64([-1, 0, 1_709_294_400_123_456, 253_402_300_799_999_999]))),
            ("name", column(.string, .bytes(strings))),
            ("raw", column(.binary, .bytes(blobs))),
        ]
        return RecordBatch(schema: Schema(columns.map { Field($0.0, $0.1.type) }), columns: columns.map(\.1), rowCount: 4)
    }

    @Test(arguments: [EncryptionType.deterministic, .randomized])
    func everyTypeRoundTripsEncrypted(_ type: EncryptionType) async throws {
        let db = try await database()
        let batch = Self.sampleBatch()
        let requests = batch.schema.fields.map { EncryptedColumnRequest(column: $0.name, key: "CEK1", encryptionType: type) }
        let location = TableLocation(database: db, table: "everything")
        #expect(try await TableWriter.write([batch], schema: batch.schema, to: location, encrypt: requests, keys: keys) == 4)
        let table = try await DatabaseTable.open(name: "t", location: location, keys: keys)
        #expect(table.schema == batch.schema)
        let read = try await table.load(columns: Array(batch.columns.indices), equalities: [])
        for (c, field) in batch.schema.fields.enumerated() {
            #expect(read.columns[c] == batch.columns[c], "column \(field.name)")
        }
        // Without keys: each cell is ciphertext (0x01…), never the plaintext.
        let hidden = try await DatabaseTable.open(name: "t", location: location, keys: ColumnKeySources(), decrypt: false)
        let cells = try await hidden.load(columns: [10], equalities: [])
        guard case .bytes(let text) = cells.columns[0].values else { Issue.record("not text"); return }
        #expect(String(decoding: text[0], as: UTF8.self).hasPrefix("0x01"))
        #expect(!String(decoding: text[0], as: UTF8.self).contains("Zo"))
    }

    @Test func plaintextColumnsRoundTrip() async throws {
        let db = try await database()
        let batch = Self.sampleBatch()
        let keep = ["flag", "i64", "f64", "d9", "day", "at", "name", "raw"]
        let indices = keep.map { name in batch.schema.fields.firstIndex { $0.name == name }! }
        let subset = RecordBatch(schema: Schema(indices.map { batch.schema.fields[$0] }), columns: indices.map { batch.columns[$0] }, rowCount: 4)
        let location = TableLocation(database: db, table: "plain")
        try await TableWriter.write([subset], schema: subset.schema, to: location, encrypt: [], keys: keys)
        let read = try await DatabaseTable.open(name: "p", location: location, keys: keys).load(columns: Array(indices.indices), equalities: [])
        for c in indices.indices { #expect(read.columns[c] == subset.columns[c], "column \(keep[c])") }
    }

    @Test func deterministicEqualityIsPushedToTheDatabase() async throws {
        let db = try await database()
        let batch = Self.sampleBatch()
        let location = TableLocation(database: db, table: "people")
        try await TableWriter.write([batch], schema: batch.schema, to: location,
                              encrypt: [.init(column: "name", key: "CEK1", encryptionType: .deterministic),
                                        .init(column: "i64", key: "CEK1", encryptionType: .randomized)], keys: keys)
        let table = try await DatabaseTable.open(name: "p", location: location, keys: keys)
        let name = table.schema.fields.firstIndex { $0.name == "name" }!
        let i64 = table.schema.fields.firstIndex { $0.name == "i64" }!
        let i32 = table.schema.fields.firstIndex { $0.name == "i32" }!
        #expect(table.pushdownColumns.contains(name) && !table.pushdownColumns.contains(i64) && table.pushdownColumns.contains(i32))
        let one = try await table.load(columns: [i32], equalities: [.init(column: name, value: .string("日本語 text"))])
        #expect(one.rowCount == 1 && one.columns[0].values == .int64([Int64(Int32.max)]))  // SQLite INTEGER reads as bigint
        let none = try await table.load(columns: [i32], equalities: [.init(column: name, value: .string("nobody"))])
        #expect(none.rowCount == 0)
        let plain = try await table.load(columns: [name], equalities: [.init(column: i32, value: .int64(1))])
        #expect(plain.rowCount == 1)

        // Through the engine, with the result checked against the same query without pushdown.
        var catalog = Catalog()
        catalog.register("p", external: table)
        let engine = QueryEngine(catalog: catalog, threads: 1)
        let result = try await engine.run("SELECT i32 FROM p WHERE name = 'Zoë'")
        #expect(result.batches.reduce(0) { $0 + $1.rowCount } == 1)
        #expect(try engine.explain("SELECT i32 FROM p WHERE name = 'Zoë'").contains("1 on deterministic ciphertext"))
    }

    @Test func inPlaceEncryptionIsAllOrNothing() async throws {
        let db = try await database()
        var names = ByteArrays()
        for s in ["12", "x7", "30"] { names.append(s.utf8) }
        let batch = RecordBatch(schema: Schema([Field("id", .int64), Field("code", .string)]),
                                columns: [Column(type: .int64, values: .int64([1, 2, 3])), Column(type: .string, values: .bytes(names))], rowCount: 3)
        let location = TableLocation(database: db, table: "codes")
        try await TableWriter.write([batch], schema: batch.schema, to: location, encrypt: [], keys: keys)
        // "x7" is not an int: the whole encryption is refused, naming the row, and nothing changes.
        await #expect(throws: TableError.self) {
            try await InPlaceEncryption.encrypt(location, columns: [.init(column: "code", key: "CEK1", encryptionType: .randomized, plaintextType: .int)], keys: keys)
        }
        let (described, encrypted) = try await db.withConnection { connection in
            (try await connection.describeTable("codes"), try await EncryptionMetadata.encryptedColumns(of: "codes", in: connection))
        }
        #expect(described?.columns.map(\.name) == ["id", "code"])
        #expect(encrypted.isEmpty)

        try await InPlaceEncryption.encrypt(location, columns: [.init(column: "code", key: "CEK1", encryptionType: .deterministic)], keys: keys)
        let table = try await DatabaseTable.open(name: "c", location: location, keys: keys)
        #expect(try await table.load(columns: [0, 1], equalities: []).columns[1] == batch.columns[1])
        await #expect(throws: TableError.self) {
            try await InPlaceEncryption.encrypt(location, columns: [.init(column: "code", key: "CEK1", encryptionType: .deterministic)], keys: keys)
        }
    }

    @Test func missingKeysAreClearErrors() async throws {
        let db = try await database()
        let batch = Self.sampleBatch()
        let location = TableLocation(database: db, table: "k")
        await #expect(throws: TableError.self) {
            try await TableWriter.write([batch], schema: batch.schema, to: location,
                                  encrypt: [.init(column: "name", key: "NOPE", encryptionType: .randomized)], keys: keys)
        }
        await #expect(throws: TableError.self) {
            try await TableWriter.write([batch], schema: batch.schema, to: location,
                                  encrypt: [.init(column: "name", key: "CEK1", encryptionType: .randomized)], keys: ColumnKeySources())
        }
        #expect(try await db.withConnection { try await $0.describeTable("k") } == nil)
    }
}
