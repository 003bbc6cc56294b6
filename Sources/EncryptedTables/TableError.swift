import Support

/// Why a database table could not be read, written or encrypted. Messages name the database,
/// table, column and row — never a value, a key or a password.
public typealias TableError = CodedError<TableErrorCode>

public struct TableErrorCode: ErrorCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public static var descriptionShowsCode: Bool { false }

    /// A table URL or option that cannot be used.
    public static let invalidLocation = Self("invalidLocation")
    /// The database refused or failed (its message is kept).
    public static let database = Self("database")
    /// No such table, column or key.
    public static let notFound = Self("notFound")
    /// The table's columns or encryption settings differ from what the operation needs.
    public static let schemaMismatch = Self("schemaMismatch")
    /// A key could not be found or unwrapped, or a cell failed authentication.
    public static let keys = Self("keys")
    /// A value does not fit its column's type.
    public static let value = Self("value")
}
