/// A name as written in the query. Unquoted names match case-insensitively (Spark SQL);
/// the original spelling is kept for output column names and messages.
public struct SQLIdentifier: Sendable, Hashable {
    public var name: String
    /// Written as "name" or `name`; quoted names are never keywords.
    public var isQuoted: Bool
    public var location: SourceLocation

    public init(_ name: String, isQuoted: Bool = false, at location: SourceLocation) {
        self.name = name
        self.isQuoted = isQuoted
        self.location = location
    }

    /// The lower-cased name used to resolve tables and columns.
    public var normalized: String { name.lowercased() }
}
