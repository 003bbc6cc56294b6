import Support

/// Why an SQL connection, statement or URL failed. The CAS store and the Always Encrypted table
/// sources each turn it into their own error, so a user's database error never reads as a CAS
/// store error. Messages carry the engine's message and the statement's first words, never a
/// bound value or a password.
public typealias SQLStorageError = CodedError<SQLStorageErrorCode>

public struct SQLStorageErrorCode: ErrorCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// A uniqueness or other constraint was violated.
    public static let conflict = Self("conflict")
    /// The file is not a database, or a row does not have the shape asked for.
    public static let corrupt = Self("corrupt")
    /// A connection URL or file path that cannot be used.
    public static let invalidLocation = Self("invalid_location")
    /// The database engine refused or failed (I/O, SQL error, lost connection).
    public static let backend = Self("backend")
    /// The connection was closed.
    public static let closed = Self("closed")
}
