import AlwaysEncrypted
import Foundation

/// Plaintext cells of a database column as SQL Server values (so that plaintext and decrypted
/// columns build engine columns one way), and back for inserts.
enum DatabaseValues {
    /// A stored plaintext value as a value of `type`; nil for NULL.
    static func read(_ value: DatabaseValue, as type: SQLServerType) throws(AlwaysEncryptedError) -> SQLServerValue? {
        func mismatch() -> AlwaysEncryptedError { AlwaysEncryptedError(.typeMismatch, "stored value does not fit \(type.declaration)") }
        if case .null = value { return nil }
        switch type {
        case .bit:
            switch value {
            case .integer(let i): return .bit(i != 0)
            case .text(let t) where ["t", "true", "1"].contains(t.lowercased()): return .bit(true)
            case .text(let t) where ["f", "false", "0"].contains(t.lowercased()): return .bit(false)
            default: throw mismatch()
            }
        case .tinyint, .smallint, .int, .bigint:
            let i: Int64
            switch value {
            case .integer(let v): i = v
            case .text(let t): guard let v = Int64(t) else { throw mismatch() }; i = v
            case .real(let d): guard let v = Int64(exactly: d) else { throw mismatch() }; i = v
            default: throw mismatch()
            }
            switch type {
            case .tinyint: guard let v = UInt8(exactly: i) else { throw mismatch() }; return .tinyint(v)
            case .smallint: guard let v = Int16(exactly: i) else { throw mismatch() }; return .smallint(v)
            case .int: guard let v = Int32(exactly: i) else { throw mismatch() }; return .int(v)
            default: return .bigint(i)
            }
        case .real, .float:
            let d: Double
            switch value {
            case .real(let v): d = v
            case .integer(let v): d = Double(v)
            case .text(let t): guard let v = Double(t) else { throw mismatch() }; d = v
            default: throw mismatch()
            }
            return type == .real ? .real(Float(d)) : .float(d)
        case .decimal(_, let scale):
            let text: String
            switch value {
            case .text(let t): text = t
            case .integer(let v): text = String(v)
            // SQLite's NUMERIC affinity may have stored the text as a REAL (exact to 15 digits).
            case .real(let v): text = String(format: "%.\(scale)f", v)
            default: throw mismatch()
            }
            return .decimal(try SQLDecimal(text).rescaled(to: scale))
        case .date:
            guard case .text(let t) = value else { throw mismatch() }
            return .date(try SQLDate(isoText: t))
        case .datetime2(let scale):
            guard case .text(let t) = value else { throw mismatch() }
            return .datetime2(try SQLDateTime2(isoText: t).truncated(toScale: scale))
        case .char, .varchar, .nchar, .nvarchar:
            switch value {
            case .text(let t): return .string(t)
            case .integer(let v): return .string(String(v))
            case .real(let v): return .string(String(v))
            default: throw mismatch()
            }
        case .binary, .varbinary:
            switch value {
            case .blob(let b): return .binary(b)
            case .text(let t): return .binary(Array(t.utf8))
            default: throw mismatch()
            }
        }
    }

    /// The value to bind for a plaintext column (PostgreSQL casts text to the column type).
    static func bind(_ value: SQLServerValue?, dialect: SQLDialect) -> DatabaseValue {
        guard let value else { return .null }
        switch value {
        case .bit(let b): return dialect == .postgres ? .text(b ? "true" : "false") : .integer(b ? 1 : 0)
        case .tinyint(let v): return .integer(Int64(v))
        case .smallint(let v): return .integer(Int64(v))
        case .int(let v): return .integer(Int64(v))
        case .bigint(let v): return .integer(v)
        case .real(let v): return .real(Double(v))
        case .float(let v): return .real(v)
        case .decimal(let d): return .text(d.description)
        case .date(let d): return .text(d.description)
        case .datetime2(let t): return .text(t.description)
        case .string(let s): return .text(s)
        case .binary(let b): return .blob(b)
        }
    }
}
