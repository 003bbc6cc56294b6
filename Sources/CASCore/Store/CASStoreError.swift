/// Why a store operation failed. `code` is stable for callers and tests; `message` says what
/// and where (table, column, backend message) and never contains a stored value.
public struct CASStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// A uniqueness rule was broken: (name, version) of a policy, a master key id.
        public static let conflict = Code(rawValue: "conflict")
        /// A record handed to the store breaks its shape (empty name, version < 1, …).
        public static let invalidRecord = Code(rawValue: "invalid_record")
        /// A stored row does not decode (wrong type, bad JSON): a corrupt or foreign database.
        public static let corrupt = Code(rawValue: "corrupt")
        /// The database was written by a newer Strongroom (schema version above ours).
        public static let unsupportedSchema = Code(rawValue: "unsupported_schema")
        /// A connection URL or file path that cannot be used.
        public static let invalidLocation = Code(rawValue: "invalid_location")
        /// The database engine refused or failed (I/O, SQL error, lost connection).
        public static let backend = Code(rawValue: "backend")
        /// The store was closed.
        public static let closed = Code(rawValue: "closed")
    }

    public var code: Code
    public var message: String
    /// The underlying engine error, when there is one (never shown in `description`).
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { "\(code.rawValue): \(message)" }
    public static func == (a: Self, b: Self) -> Bool { a.code == b.code }
}
