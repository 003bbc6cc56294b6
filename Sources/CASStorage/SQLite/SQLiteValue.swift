import CASCore

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

    private func value(_ index: Int, _ column: String) throws(CASStoreError) -> SQLiteValue {
        guard values.indices.contains(index) else {
            throw CASStoreError(.corrupt, "\(column): missing from the result row")
        }
        return values[index]
    }

    func int64(_ index: Int, _ column: String) throws(CASStoreError) -> Int64 {
        guard case .integer(let v) = try value(index, column) else {
            throw CASStoreError(.corrupt, "\(column): expected an integer")
        }
        return v
    }

    func text(_ index: Int, _ column: String) throws(CASStoreError) -> String {
        guard case .text(let v) = try value(index, column) else {
            throw CASStoreError(.corrupt, "\(column): expected text")
        }
        return v
    }

    func optionalText(_ index: Int, _ column: String) throws(CASStoreError) -> String? {
        switch try value(index, column) {
        case .null: return nil
        case .text(let v): return v
        default: throw CASStoreError(.corrupt, "\(column): expected text or NULL")
        }
    }

    func blob(_ index: Int, _ column: String) throws(CASStoreError) -> [UInt8] {
        switch try value(index, column) {
        case .blob(let v): return v
        default: throw CASStoreError(.corrupt, "\(column): expected a blob")
        }
    }
}
