/// The stable code of one error domain (the CAS store, Parquet, the SQL engine …). A struct
/// with static members rather than a public enum, so a module can add a code in an extension
/// and callers' `switch`es keep compiling (they end in `default`).
public protocol ErrorCode: Hashable, Sendable, CustomStringConvertible {
    /// What programs, tests and audit records match on; never changes once published.
    var rawValue: String { get }
    /// How the error reads to a person: `code: message` for diagnostics (the default), or the
    /// message alone where it is already written for the end user (Parquet, SQL, tables).
    static var descriptionShowsCode: Bool { get }
}

extension ErrorCode {
    public static var descriptionShowsCode: Bool { true }
    public var description: String { rawValue }
}

/// Where an error was thrown, for logs and bug reports (never shown to a remote caller).
public struct ThrowSite: Sendable, Hashable, CustomStringConvertible {
    public let fileID: String
    public let line: UInt

    public init(fileID: StaticString, line: UInt) {
        self.fileID = "\(fileID)"
        self.line = line
    }

    public var description: String { "\(fileID):\(line)" }
}

/// The one error shape of the package: a stable code, a message that says what and where and
/// never holds a secret, key, token or data value, the lower-level cause (for logs, never
/// rendered), and where it was thrown. Errors compare equal by code, so callers and tests match
/// on what went wrong, not on the wording.
public struct CodedError<Domain: ErrorCode>: Error, Sendable, Equatable, CustomStringConvertible {
    /// `AttestationError.Code` names the domain's code type at call sites.
    public typealias Code = Domain

    public var code: Code
    public var message: String
    public var cause: (any Error & Sendable)?
    public let site: ThrowSite

    public init(
        _ code: Code, _ message: String, cause: (any Error & Sendable)? = nil,
        fileID: StaticString = #fileID, line: UInt = #line
    ) {
        self.code = code
        self.message = message
        self.cause = cause
        self.site = ThrowSite(fileID: fileID, line: line)
    }

    public var description: String {
        Code.descriptionShowsCode ? "\(code.rawValue): \(message)" : message
    }

    public static func == (a: Self, b: Self) -> Bool { a.code == b.code }
}

