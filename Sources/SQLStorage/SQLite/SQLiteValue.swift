import Support

/// A value bound to or read from an SQLite statement.
public enum SQLiteValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// One result row. Accessors name the column in their error so a corrupt database says where.
public struct SQLiteRow: Sendable {
    public var values: [SQLiteValue]

    private func value(_ index: Int, _ column: String) throws(SQLStorageError) -> SQLiteValue {
        guard values.indices.contains(index) else {
            throw SQLStorageError(.corrupt, "\(column): missing from the result row")
        }
        return values[index]
    }

    public func int64(_ index: Int, _ column: String) throws(SQLStorageError) -> Int64 {
        guard case .integer(let v) = try value(index, column) else {
            throw SQLStorageError(.corrupt, "\(column): expected an integer")
        }
        return v
    }

    public func text(_ index: Int, _ column: String) throws(SQLStorageError) -> String {
        guard case .text(let v) = try value(index, column) else {
            throw SQLStorageError(.corrupt, "\(column): expected text")
        }
        return v
    }

    public func optionalText(_ index: Int, _ column: String) throws(SQLStorageError) -> String? {
        switch try value(index, column) {
        case .null: return nil
        case .text(let v): return v
        default: throw SQLStorageError(.corrupt, "\(column): expected text or NULL")
        }
    }

    public func blob(_ index: Int, _ column: String) throws(SQLStorageError) -> [UInt8] {
        switch try value(index, column) {
        case .blob(let v): return v
        default: throw SQLStorageError(.corrupt, "\(column): expected a blob")
        }
    }
}
