import Support

/// Why a query job cannot go on, in the user's terms (never a key or a data value).
public typealias SessionError = CodedError<SessionErrorCode>

public struct SessionErrorCode: ErrorCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public static var descriptionShowsCode: Bool { false }

    /// A file result was asked for, but the policy names no key to encrypt it under.
    public static let noResultsKey = Self("no_results_key")
    /// A data set's files cannot be found, listed or written where asked.
    public static let dataset = Self("dataset")
}
