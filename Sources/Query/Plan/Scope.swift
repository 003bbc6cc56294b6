import Columnar
import SQLParser

/// The columns visible to an expression: a relation's fields with the table (alias) they come from.
struct Scope {
    struct Entry {
        var qualifier: String?
        var name: String
        var type: DataType
        /// A DECIMAL(38,0) that stands for DuckDB's HUGEINT (a sum of integers): printed as an integer.
        var isHugeInt = false
    }

    var entries: [Entry]

    init(_ entries: [Entry] = []) { self.entries = entries }

    init(schema: Schema, qualifier: String?) {
        entries = schema.fields.map { Entry(qualifier: qualifier?.lowercased(), name: $0.name, type: $0.type) }
    }

    static func + (a: Scope, b: Scope) -> Scope { Scope(a.entries + b.entries) }

    /// Index of the column `parts` names (`col` or `table.col`), case-insensitively.
    func resolve(_ parts: [SQLIdentifier]) throws -> Int? {
        let name = parts.last!.normalized
        let qualifier = parts.count > 1 ? parts[parts.count - 2].normalized : nil
        let matches = entries.indices.filter { i in
            entries[i].name.lowercased() == name && (qualifier == nil || entries[i].qualifier == qualifier)
        }
        if matches.count > 1 {
            throw BindError(.unknownColumn, "column reference '\(parts.map(\.name).joined(separator: "."))' is ambiguous",
                            at: parts.last!.location)
        }
        return matches.first
    }
}

/// A binding error: what is wrong and where in the SQL text.
public struct BindError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable { case unknownTable, unknownColumn, type, unsupported, invalid }
    public var code: Code
    public var message: String
    public var location: SourceLocation?

    init(_ code: Code, _ message: String, at location: SourceLocation?) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String {
        guard let location else { return message }
        return "\(message) at line \(location.line), column \(location.column)"
    }
}
