/// A syntax error with the position of the offending token.
///
/// The message names tokens of the query text (shortened), never data of a table.
public struct SQLSyntaxError: Error, Sendable, CustomStringConvertible {
    /// What kind of mistake; errors compare equal by code and location.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public static let unexpectedToken = Code(name: "unexpectedToken")
        public static let unterminatedString = Code(name: "unterminatedString")
        public static let unterminatedIdentifier = Code(name: "unterminatedIdentifier")
        public static let unterminatedComment = Code(name: "unterminatedComment")
        public static let invalidCharacter = Code(name: "invalidCharacter")
        public static let invalidNumber = Code(name: "invalidNumber")
        public static let nestingTooDeep = Code(name: "nestingTooDeep")
        public var description: String { name }
    }

    public var code: Code
    public var message: String
    public var location: SourceLocation

    public init(_ code: Code, _ message: String, at location: SourceLocation) {
        self.code = code
        self.message = message
        self.location = location
    }

    /// `syntax error at line 1, column 17: expected FROM, found 'FORM'`
    public var description: String { "syntax error at \(location): \(message)" }

    /// The description followed by the offending line of `sql` and a caret under the column.
    public func rendered(in sql: String) -> String {
        let lines = sql.split(separator: "\n", omittingEmptySubsequences: false)
        guard location.line >= 1, location.line <= lines.count else { return description }
        let line = lines[location.line - 1].replacingTabs()
        let caret = String(repeating: " ", count: max(0, location.column - 1)) + "^"
        return "\(description)\n\(line)\n\(caret)"
    }
}

extension SQLSyntaxError: Equatable {
    public static func == (a: SQLSyntaxError, b: SQLSyntaxError) -> Bool {
        a.code == b.code && a.location == b.location
    }
}

extension Substring {
    // Tabs would shift the caret; one space per tab keeps scalar columns aligned.
    fileprivate func replacingTabs() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0 == "\t" ? " " : $0 }))
    }
}
