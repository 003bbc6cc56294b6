/// One error type for everything the Parquet layer rejects. `message` says what and where;
/// it never contains key bytes or data values.
public struct ParquetError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case malformed          // structure or bytes that do not follow the format
        case truncated          // input ends early
        case unsupported        // valid Parquet we do not handle
        case checksum           // page CRC mismatch
        case missingKey         // no key for a column or footer
        case wrongKey           // key present but authentication fails with it
        case authentication     // ciphertext or signature tampered
        case invalidArgument    // caller error (bad option, bad schema)
        case io                 // file system
    }

    public var code: Code
    public var message: String
    public var cause: (any Error)?

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }
}

extension ParquetError: Equatable {
    public static func == (a: ParquetError, b: ParquetError) -> Bool { a.code == b.code }
}
