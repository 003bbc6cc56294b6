/// Column types as SQL Server spells them (`int`, `nvarchar(50)`, `decimal(19,4)`, `varbinary(max)`):
/// what the encryption metadata stores for an encrypted column's plaintext type.
extension SQLServerType {
    /// Parses a declaration; case and spaces are ignored. Refuses what SQL Server refuses.
    public init(declaration text: String) throws(AlwaysEncryptedError) {
        let compact = text.lowercased().filter { !$0.isWhitespace }
        let name: Substring, arguments: [Substring]
        if let open = compact.firstIndex(of: "(") {
            guard compact.hasSuffix(")") else { throw Self.invalid(text, "unbalanced parenthesis") }
            name = compact[..<open]
            arguments = compact[compact.index(after: open)..<compact.index(before: compact.endIndex)]
                .split(separator: ",", omittingEmptySubsequences: false)
        } else {
            name = Substring(compact)
            arguments = []
        }
        func integer(_ i: Int) throws(AlwaysEncryptedError) -> Int {
            guard i < arguments.count, let v = Int(arguments[i]) else { throw Self.invalid(text, "expected a number") }
            return v
        }
        func length() throws(AlwaysEncryptedError) -> Int? {
            guard arguments.count == 1 else { throw Self.invalid(text, "expected one length") }
            return arguments[0] == "max" ? nil : try integer(0)
        }
        func fixedLength() throws(AlwaysEncryptedError) -> Int {
            if arguments.isEmpty { return 1 }
            guard let n = try length() else { throw Self.invalid(text, "max is only for var types") }
            return n
        }
        let simple: [Substring: SQLServerType] = [
            "bit": .bit, "tinyint": .tinyint, "smallint": .smallint, "int": .int, "bigint": .bigint,
            "real": .real, "float": .float, "date": .date,
        ]
        if let type = simple[name] {
            guard arguments.isEmpty else { throw Self.invalid(text, "\(name) takes no arguments") }
            self = type
        } else {
            switch name {
            case "decimal", "numeric":
                guard (1...2).contains(arguments.count) else { throw Self.invalid(text, "expected (precision[, scale])") }
                self = .decimal(precision: try integer(0), scale: arguments.count == 2 ? try integer(1) : 0)
            case "datetime2":
                guard arguments.count <= 1 else { throw Self.invalid(text, "expected (scale)") }
                self = .datetime2(scale: arguments.isEmpty ? 7 : try integer(0))
            case "char": self = .char(length: try fixedLength())
            case "varchar": self = .varchar(maxLength: arguments.isEmpty ? 1 : try length())
            case "nchar": self = .nchar(length: try fixedLength())
            case "nvarchar": self = .nvarchar(maxLength: arguments.isEmpty ? 1 : try length())
            case "binary": self = .binary(length: try fixedLength())
            case "varbinary": self = .varbinary(maxLength: arguments.isEmpty ? 1 : try length())
            default: throw Self.invalid(text, "unknown or unsupported type '\(name)'")
            }
        }
        try validate()
    }

    /// The declaration SQL Server prints (`decimal(19,4)`, `nvarchar(max)`); parses back to `self`.
    public var declaration: String {
        func size(_ n: Int?) -> String { n.map(String.init) ?? "max" }
        switch self {
        case .bit: return "bit"
        case .tinyint: return "tinyint"
        case .smallint: return "smallint"
        case .int: return "int"
        case .bigint: return "bigint"
        case .real: return "real"
        case .float: return "float"
        case .date: return "date"
        case let .decimal(p, s): return "decimal(\(p),\(s))"
        case let .datetime2(s): return "datetime2(\(s))"
        case let .char(n, _): return "char(\(n))"
        case let .varchar(n, _): return "varchar(\(size(n)))"
        case let .nchar(n): return "nchar(\(n))"
        case let .nvarchar(n): return "nvarchar(\(size(n)))"
        case let .binary(n): return "binary(\(n))"
        case let .varbinary(n): return "varbinary(\(size(n)))"
        }
    }

    private static func invalid(_ text: String, _ reason: String) -> AlwaysEncryptedError {
        AlwaysEncryptedError(.typeMismatch, "column type '\(text.prefix(64))': \(reason)")
    }
}
