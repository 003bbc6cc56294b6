import Support
import CSQLite

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `close(2)`, named apart from `SQLiteDatabase.close()`.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}

/// A thin, safe wrapper over one sqlite3 connection: prepared statements (cached), typed
/// bind/step/column, errors carrying sqlite's message. Not thread-safe by itself:
/// the CAS store keeps it inside a Mutex, so only one task uses it at a time; the Always
/// Encrypted table sources and sinks (EncryptedTables) open users' databases with it.
public final class SQLiteDatabase {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]

    /// Opens (creating if needed, mode 0600) the database file, in WAL mode with a busy timeout.
    /// With `create: false` the file must exist and is opened as it is (mode and journal untouched).
    public init(path: String, create: Bool = true, busyTimeoutMilliseconds: Int32 = 5_000) throws(SQLStorageError) {
        if create {
            // Create the file ourselves so it is never world-readable, even for an instant;
            // SQLite gives the -wal and -shm files the same mode as the database file.
            let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                throw SQLStorageError(.invalidLocation, "cannot create database file \(path): \(String(cString: strerror(errno)))")
            }
            closeDescriptor(fd)
            guard chmod(path, 0o600) == 0 else {
                throw SQLStorageError(.invalidLocation, "cannot set mode 0600 on \(path): \(String(cString: strerror(errno)))")
            }
        } else if access(path, F_OK) != 0 {
            throw SQLStorageError(.invalidLocation, "SQLite database \(path) does not exist")
        }

        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw SQLStorageError(.backend, "sqlite open \(path): \(message)")
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        guard create else { return }
        do {
            // NORMAL in WAL mode: a power cut may lose the last commits but never corrupts
            // the file or the chain; FULL would add an fsync to every attestation.
            try execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
        } catch {
            self.close()
            throw error
        }
    }

    deinit { close() }

    public func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements = [:]
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    private func requireHandle() throws(SQLStorageError) -> OpaquePointer {
        guard let handle else { throw SQLStorageError(.closed, "the SQLite connection is closed") }
        return handle
    }

    /// Runs SQL text with no parameters and no results (DDL, pragmas, BEGIN/COMMIT).
    public func execute(_ sql: String) throws(SQLStorageError) {
        let db = try requireHandle()
        var errorText: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &errorText)
        if rc != SQLITE_OK {
            let message = errorText.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_free(errorText)
            throw Self.error(rc, message, context: sql)
        }
    }

    /// Runs one statement with bound parameters and returns all its rows.
    @discardableResult
    public func query(_ sql: String, _ bindings: [SQLiteValue] = []) throws(SQLStorageError) -> [SQLiteRow] {
        let db = try requireHandle()
        let statement = try prepared(sql, db)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (offset, value) in bindings.enumerated() {
            let rc = bind(value, at: Int32(offset + 1), in: statement)
            guard rc == SQLITE_OK else {
                throw Self.error(rc, String(cString: sqlite3_errmsg(db)), context: sql)
            }
        }
        var rows: [SQLiteRow] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                throw Self.error(rc, String(cString: sqlite3_errmsg(db)), context: sql)
            }
            rows.append(readRow(statement))
        }
        return rows
    }

    /// Number of rows changed by the last INSERT/UPDATE/DELETE.
    public var changes: Int {
        handle.map { Int(sqlite3_changes($0)) } ?? 0
    }

    /// Runs `body` inside BEGIN IMMEDIATE … COMMIT: the write lock is taken up front, so two
    /// writers (even in two processes) never interleave; any throw rolls everything back.
    public func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    // MARK: - statements

    private func prepared(_ sql: String, _ db: OpaquePointer) throws(SQLStorageError) -> OpaquePointer {
        if let cached = statements[sql] { return cached }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw Self.error(rc, String(cString: sqlite3_errmsg(db)), context: sql)
        }
        statements[sql] = statement
        return statement
    }

    // SQLITE_TRANSIENT: sqlite copies the bytes before bind returns (the macro is not importable).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func bind(_ value: SQLiteValue, at index: Int32, in statement: OpaquePointer) -> Int32 {
        switch value {
        case .null:
            return sqlite3_bind_null(statement, index)
        case .integer(let v):
            return sqlite3_bind_int64(statement, index, v)
        case .real(let v):
            return sqlite3_bind_double(statement, index, v)
        case .text(let v):
            // withCString gives a non-null pointer even for "" (a null one would bind NULL).
            let length = Int32(v.utf8.count)
            return v.withCString { pointer in
                sqlite3_bind_text(statement, index, pointer, length, Self.transient)
            }
        case .blob(let v):
            if v.isEmpty { return sqlite3_bind_zeroblob(statement, index, 0) }
            return v.withUnsafeBytes { buffer in
                sqlite3_bind_blob(statement, index, buffer.baseAddress, Int32(buffer.count), Self.transient)
            }
        }
    }

    private func readRow(_ statement: OpaquePointer) -> SQLiteRow {
        let count = sqlite3_column_count(statement)
        var values: [SQLiteValue] = []
        values.reserveCapacity(Int(count))
        for column in 0..<count {
            switch sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER:
                values.append(.integer(sqlite3_column_int64(statement, column)))
            case SQLITE_TEXT:
                let length = Int(sqlite3_column_bytes(statement, column))
                if let pointer = sqlite3_column_text(statement, column), length > 0 {
                    let buffer = UnsafeBufferPointer(start: pointer, count: length)
                    values.append(.text(String(decoding: buffer, as: UTF8.self)))
                } else {
                    values.append(.text(""))
                }
            case SQLITE_BLOB:
                let length = Int(sqlite3_column_bytes(statement, column))
                if let pointer = sqlite3_column_blob(statement, column), length > 0 {
                    values.append(.blob(Array(UnsafeRawBufferPointer(start: pointer, count: length))))
                } else {
                    values.append(.blob([]))
                }
            case SQLITE_FLOAT:
                values.append(.real(sqlite3_column_double(statement, column)))
            default:
                values.append(.null)
            }
        }
        return SQLiteRow(values: values)
    }

    /// Maps an sqlite result code to an error; constraint violations are conflicts.
    /// sqlite's messages name tables and columns, never bound values.
    private static func error(_ rc: Int32, _ message: String, context sql: String) -> SQLStorageError {
        let primary = rc & 0xff
        let statement = sql.split(separator: " ", maxSplits: 3).prefix(3).joined(separator: " ")
        if primary == SQLITE_CONSTRAINT {
            return SQLStorageError(.conflict, "sqlite: \(message)")
        }
        if primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT {
            return SQLStorageError(.corrupt, "sqlite (\(statement) …): \(message)")
        }
        return SQLStorageError(.backend, "sqlite (\(statement) …): \(message)")
    }
}
