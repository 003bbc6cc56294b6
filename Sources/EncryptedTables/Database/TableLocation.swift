import SQLStorage
import Foundation

/// A table in a database users run: `postgres://USER[:PASSWORD]@HOST[:PORT]/DB?table=T[&sslmode=…]`
/// or `sqlite://PATH?table=T` (`sqlite:///abs/path.db`, `sqlite://relative.db`). Errors never
/// repeat the URL (it may carry a password).
public struct TableLocation: Sendable, Hashable {
    public var database: DatabaseLocation
    public var table: String

    public init(database: DatabaseLocation, table: String) {
        self.database = database
        self.table = table
    }

    public init(_ text: String) throws(TableError) {
        let (database, table) = try DatabaseLocation.parse(text)
        guard let table else {
            throw TableError(.invalidLocation, "the database URL names no table: add ?table=NAME")
        }
        self.database = database
        self.table = table
    }

    /// True for text that looks like a database URL rather than a file path.
    public static func isDatabaseURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") || lower.hasPrefix("sqlite://")
    }
}

/// A database: PostgreSQL (postgres-nio) or an SQLite file.
public enum DatabaseLocation: Sendable, Hashable {
    case postgres(PostgresURL)
    case sqlite(path: String)

    /// A database URL with no `table=` (what `sql keys` takes); a `table=` is refused.
    public init(_ text: String) throws(TableError) {
        let (database, table) = try Self.parse(text)
        guard table == nil else { throw TableError(.invalidLocation, "this option takes a database URL without ?table=") }
        self = database
    }

    public var description: String {
        switch self {
        case .postgres(let url): "PostgreSQL database \(url.database ?? url.username) on \(url.host):\(url.port)"
        case .sqlite(let path): "SQLite database \(path)"
        }
    }

    static func parse(_ text: String) throws(TableError) -> (DatabaseLocation, String?) {
        guard TableLocation.isDatabaseURL(text) else {
            throw TableError(.invalidLocation, "a database URL starts with postgres:// or sqlite://")
        }
        let query = text.firstIndex(of: "?")
        let base = String(text[..<(query ?? text.endIndex)])
        var table: String?
        var rest: [String] = []
        if let query {
            for item in text[text.index(after: query)...].split(separator: "&") {
                if item.lowercased().hasPrefix("table=") {
                    let name = String(item.dropFirst(6)).removingPercentEncoding ?? ""
                    guard Self.isIdentifier(name) else {
                        throw TableError(.invalidLocation, "table= takes a name of letters, digits and _ (not starting with a digit)")
                    }
                    table = name
                } else {
                    rest.append(String(item))
                }
            }
        }
        if base.lowercased().hasPrefix("sqlite://") {
            guard rest.isEmpty else { throw TableError(.invalidLocation, "sqlite:// URLs take only ?table=") }
            let path = String(base.dropFirst("sqlite://".count)).removingPercentEncoding ?? ""
            guard !path.isEmpty else { throw TableError(.invalidLocation, "sqlite:// URL has no file path") }
            return (.sqlite(path: path), table)
        }
        do throws(SQLStorageError) {
            let url = try PostgresURL(rest.isEmpty ? base : base + "?" + rest.joined(separator: "&"))
            return (.postgres(url), table)
        } catch {
            throw TableError(.invalidLocation, error.message)
        }
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 63 else { return false }
        let letters = CharacterSet.letters.union(CharacterSet(charactersIn: "_"))
        return letters.contains(first) && name.unicodeScalars.allSatisfy {
            $0.isASCII && (letters.contains($0) || CharacterSet.decimalDigits.contains($0))
        }
    }
}
