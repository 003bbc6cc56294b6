import SQLStorage

/// A value bound to or read from a statement (SQLite's storage classes; PostgreSQL values map onto them).
public typealias DatabaseValue = SQLiteValue

/// One open connection to a database users run. Not thread-safe: one caller at a time.
public protocol TableDatabase: AnyObject {
    var dialect: SQLDialect { get }
    var location: DatabaseLocation { get }
    /// Runs one statement with parameters (placeholders as `dialect.placeholder`) and returns its rows.
    @discardableResult
    func query(_ sql: String, _ parameters: [DatabaseValue]) throws -> [[DatabaseValue]]
    /// Runs `body` in one transaction: every change or none.
    func transaction<T>(_ body: () throws -> T) throws -> T
    /// The table's real name and columns, found case-insensitively; nil when there is none.
    func describeTable(_ name: String) throws -> DescribedTable?
    func close()
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
    /// Opens a connection (an SQLite file must already exist unless `create`).
    public func open(create: Bool = false) throws -> any TableDatabase {
        switch self {
        case .sqlite(let path): try SQLiteTableDatabase(path: path, create: create)
        case .postgres(let url): try PostgresTableDatabase(url: url)
        }
    }
}
