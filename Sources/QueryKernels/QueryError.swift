/// An error from query execution: a code for programs, a message for people. Messages name
/// expressions, types and limits, never data values.
public struct QueryError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case overflow, divisionByZero, conversion, typeMismatch, unsupported, invalidArgument, memoryLimit
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

extension QueryError: Equatable {
    /// Equality on the code, as for the other public errors of the package.
    public static func == (a: QueryError, b: QueryError) -> Bool { a.code == b.code }
}
