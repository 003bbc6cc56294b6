import Foundation
import SQLStorage
import Testing

@Suite("SQLiteDatabase")
struct SQLiteDatabaseTests {
    private func scratchPath() throws -> (directory: URL, path: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strongroom-sql-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (directory, directory.appendingPathComponent("t.sqlite").path)
    }

    @Test func aNewFileIsPrivateAndValuesRoundTrip() throws {
        let (directory, path) = try scratchPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = try SQLiteDatabase(path: path)
        defer { db.close() }
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)")
        try db.query("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [.integer(-7), .real(2.5), .text(""), .blob([]), .null])
        let rows = try db.query("SELECT i, r, s, b, n FROM t")
        #expect(rows.map(\.values) == [[.integer(-7), .real(2.5), .text(""), .blob([]), .null]])
        #expect(try rows[0].int64(0, "t.i") == -7)
        #expect(try rows[0].optionalText(4, "t.n") == nil)
    }

    @Test func aConstraintViolationIsAConflictThatDoesNotQuoteTheValue() throws {
        let (directory, path) = try scratchPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = try SQLiteDatabase(path: path)
        defer { db.close() }
        try db.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
        try db.query("INSERT INTO t VALUES (?)", [.text("patient-4711")])
        #expect {
            try db.query("INSERT INTO t VALUES (?)", [.text("patient-4711")])
        } throws: { error in
            guard let error = error as? SQLStorageError else { return false }
            return error.code == .conflict && !error.message.contains("4711")
        }
    }

    @Test func aWrongTypedColumnNamesTheColumn() throws {
        let (directory, path) = try scratchPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = try SQLiteDatabase(path: path)
        defer { db.close() }
        let row = try db.query("SELECT 'text' AS v")[0]
        #expect {
            _ = try row.blob(0, "meta.value")
        } throws: { error in
            (error as? SQLStorageError)?.code == .corrupt && "\(error)".contains("meta.value")
        }
    }

    @Test func aFileThatIsNotADatabaseIsCorruptAndAMissingOneIsRefused() throws {
        let (directory, path) = try scratchPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect {
            _ = try SQLiteDatabase(path: path, create: false)
        } throws: { error in
            (error as? SQLStorageError)?.code == .invalidLocation
        }
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect {
            let db = try SQLiteDatabase(path: path, create: false)
            _ = try db.query("SELECT * FROM sqlite_master")
        } throws: { error in
            (error as? SQLStorageError)?.code == .corrupt
        }
    }

    @Test func aFailedTransactionLeavesNothingAndAClosedConnectionSaysSo() throws {
        let (directory, path) = try scratchPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = try SQLiteDatabase(path: path)
        try db.execute("CREATE TABLE t (k INTEGER)")
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try db.writeTransaction {
                try db.query("INSERT INTO t VALUES (1)")
                throw Abort()
            }
        }
        #expect(try db.query("SELECT count(*) FROM t")[0].values == [.integer(0)])
        db.close()
        #expect {
            try db.query("SELECT 1")
        } throws: { error in
            (error as? SQLStorageError)?.code == .closed
        }
    }
}
