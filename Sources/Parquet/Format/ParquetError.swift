import Support

/// One error type for everything the Parquet layer rejects. `message` says what and where;
/// it never contains key bytes or data values.
public typealias ParquetError = CodedError<ParquetErrorCode>

public struct ParquetErrorCode: ErrorCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public static var descriptionShowsCode: Bool { false }

    /// Structure or bytes that do not follow the format
    public static let malformed = Self("malformed")
    /// Input ends early
    public static let truncated = Self("truncated")
    /// Valid Parquet we do not handle
    public static let unsupported = Self("unsupported")
    /// Page CRC mismatch
    public static let checksum = Self("checksum")
    /// No key for a column or footer
    public static let missingKey = Self("missingKey")
    /// Key present but authentication fails with it
    public static let wrongKey = Self("wrongKey")
    /// Ciphertext or signature tampered
    public static let authentication = Self("authentication")
    /// Caller error (bad option, bad schema)
    public static let invalidArgument = Self("invalidArgument")
    /// File system
    public static let io = Self("io")
}

