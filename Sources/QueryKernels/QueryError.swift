import Support

/// An error from query execution: a code for programs, a message for people. Messages name
/// expressions, types and limits, never data values.
public typealias QueryError = CodedError<QueryErrorCode>

public struct QueryErrorCode: ErrorCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public static var descriptionShowsCode: Bool { false }

    public static let overflow = Self("overflow")
    public static let divisionByZero = Self("divisionByZero")
    public static let conversion = Self("conversion")
    public static let typeMismatch = Self("typeMismatch")
    public static let unsupported = Self("unsupported")
    public static let invalidArgument = Self("invalidArgument")
    public static let memoryLimit = Self("memoryLimit")
}

