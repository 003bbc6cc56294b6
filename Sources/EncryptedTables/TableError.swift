/// Why a database table could not be read, written or encrypted. Messages name the database,
/// table, column and row — never a value, a key or a password.
public struct TableError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A table URL or option that cannot be used.
        case invalidLocation
        /// The database refused or failed (its message is kept).
        case database
        /// No such table, column or key.
        case notFound
        /// The table's columns or encryption settings differ from what the operation needs.
        case schemaMismatch
        /// A key could not be found or unwrapped, or a cell failed authentication.
        case keys
        /// A value does not fit its column's type.
        case value
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
    public static func == (a: Self, b: Self) -> Bool { a.code == b.code }
}
