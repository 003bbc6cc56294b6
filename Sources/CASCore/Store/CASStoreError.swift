import Support

/// Why a store operation failed. `code` is stable for callers and tests; `message` says what
/// and where (table, column, backend message) and never contains a stored value.
public typealias CASStoreError = CodedError<CASStoreErrorCode>

public struct CASStoreErrorCode: ErrorCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// A uniqueness rule was broken: (name, version) of a policy, a master key id.
    public static let conflict = Self("conflict")
    /// A record handed to the store breaks its shape (empty name, version < 1, …).
    public static let invalidRecord = Self("invalid_record")
    /// A stored row does not decode (wrong type, bad JSON): a corrupt or foreign database.
    public static let corrupt = Self("corrupt")
    /// The database was written by a newer Strongroom (schema version above ours).
    public static let unsupportedSchema = Self("unsupported_schema")
    /// A connection URL or file path that cannot be used.
    public static let invalidLocation = Self("invalid_location")
    /// The database engine refused or failed (I/O, SQL error, lost connection).
    public static let backend = Self("backend")
    /// The store was closed.
    public static let closed = Self("closed")
}
