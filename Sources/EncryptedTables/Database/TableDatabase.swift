import SQLStorage

/// A value bound to or read from a statement (SQLite's storage classes; PostgreSQL values map onto them).
public typealias DatabaseValue = SQLiteValue

/// One open connection to a database users run, used asynchronously: a PostgreSQL statement
/// awaits its answer without holding a thread (an SQLite statement runs in place: a local file).
/// Not thread-safe: one caller at a time. Use it through `DatabaseLocation.withConnection`,
/// which closes it.
public protocol TableDatabase: AnyObject {
    var dialect: SQLDialect { get }
    var location: DatabaseLocation { get }
    /// Runs one statement with parameters (placeholders as `dialect.placeholder`) and returns its rows.
    @discardableResult
    func query(_ sql: String, _ parameters: [DatabaseValue]) async throws -> [[DatabaseValue]]
    /// The table's real name and columns, found case-insensitively; nil when there is none.
    func describeTable(_ name: String) async throws -> DescribedTable?
    func close() async
}

extension TableDatabase {
    /// Runs `body` in one transaction: every change or none. SQLite takes its write lock up
    /// front (BEGIN IMMEDIATE), so two writers never interleave.
    public func transaction<T>(_ body: () async throws -> T) async throws -> T {
        try await query(dialect == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN", [])
        do {
            let value = try await body()
            try await query("COMMIT", [])
            return value
        } catch {
            _ = try? await query("ROLLBACK", [])
            throw error
        }
    }
}

public struct DescribedTable: Sendable {
    public struct Column: Sendable {
        public var name: String
        /// As the database prints it: `integer`, `numeric(19,4)`, `character varying(50)`, `BLOB`.
        public var declaredType: String
    }

    public var name: String
    public var columns: [Column]

    public func column(named name: String) -> Column? {
        columns.first { $0.name == name } ?? columns.first { $0.name.lowercased() == name.lowercased() }
    }
}

/// What differs between the two SQL dialects we write.
public enum SQLDialect: Sendable {
    case sqlite, postgres

    public func placeholder(_ position: Int) -> String {
        self == .sqlite ? "?" : "$\(position)"
    }

    public var blobType: String { self == .sqlite ? "BLOB" : "bytea" }

    public func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension DatabaseLocation {
    /// Opens a connection (an SQLite file must already exist unless `create`), runs `body` with
    /// it and closes it, whether `body` returns or throws.
    public func withConnection<T>(create: Bool = false, _ body: (any TableDatabase) async throws -> T) async throws -> T {
        let db: any TableDatabase = switch self {
        case .sqlite(let path): try SQLiteTableDatabase(path: path, create: create)
        case .postgres(let url): try await PostgresTableDatabase.connect(url: url)
        }
        do {
            let value = try await body(db)
            await db.close()
            return value
        } catch {
            await db.close()
            throw error
        }
    }
}
