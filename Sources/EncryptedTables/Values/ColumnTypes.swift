import AlwaysEncrypted
import Columnar

/// Type mappings between a database's declared column types, SQL Server's types (what the
/// encryption metadata and the cell normalization speak) and the engine's types.
enum ColumnTypes {
    /// The SQL Server type a plaintext database column is read as. Unknown types read as text.
    static func sqlServerType(declared: String, dialect: SQLDialect) -> SQLServerType {
        let lower = declared.lowercased().trimmingCharacters(in: .whitespaces)
        let name = lower.split(separator: "(").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        let arguments = lower.split(separator: "(").dropFirst().first?.dropLast()
            .split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? []
        func decimal() -> SQLServerType {
            guard let p = arguments.first, (1...38).contains(p) else { return .decimal(precision: 38, scale: 10) }
            let s = arguments.count > 1 ? arguments[1] : 0
            return .decimal(precision: p, scale: min(max(s, 0), p))
        }
        switch dialect {
        case .postgres:
            switch name {
            case "smallint": return .smallint
            case "integer": return .int
            case "bigint": return .bigint
            case "real": return .real
            case "double precision": return .float
            case "numeric": return decimal()
            case "boolean": return .bit
            case "date": return .date
            case "timestamp without time zone", "timestamp": return .datetime2(scale: 6)
            case "bytea": return .varbinary(maxLength: nil)
            case "character": return .nchar(length: min(arguments.first ?? 1, 4000))
            case "character varying": return .nvarchar(maxLength: arguments.first.flatMap { $0 <= 4000 ? $0 : nil })
            default: return .nvarchar(maxLength: nil)
            }
        case .sqlite:
            // SQLite's affinity rules decide storage; the declared name refines the type.
            if name.contains("int") { return name == "smallint" ? .smallint : .bigint }
            if name.hasPrefix("bool") || name == "bit" { return .bit }
            if name.contains("real") || name.contains("floa") || name.contains("doub") { return .float }
            if name == "decimal" || name == "numeric" { return decimal() }
            if name == "date" { return .date }
            if name == "datetime" || name == "timestamp" || name == "datetime2" { return .datetime2(scale: 6) }
            if name.contains("blob") || name.contains("binary") { return .varbinary(maxLength: nil) }
            return .nvarchar(maxLength: nil)
        }
    }

    /// The engine type of a column holding `type`.
    static func dataType(_ type: SQLServerType) -> DataType {
        switch type {
        case .bit: .boolean
        case .tinyint, .smallint: .int16
        case .int: .int32
        case .bigint: .int64
        case .real: .float32
        case .float: .float64
        case let .decimal(p, s): .decimal(precision: p, scale: s)
        case .date: .date
        case .datetime2: .timestamp(.micros, utc: false)
        case .char, .varchar, .nchar, .nvarchar: .string
        case .binary, .varbinary: .binary
        }
    }

    /// The SQL Server type a result column of engine type `type` is written as.
    static func sqlServerType(for type: DataType, column: String) throws -> SQLServerType {
        switch type {
        case .boolean: return .bit
        case .int8, .int16, .uint8: return .smallint
        case .int32, .uint16: return .int
        case .int64, .uint32: return .bigint
        case .float16, .float32: return .real
        case .float64: return .float
        case let .decimal(p, s) where p <= 38: return .decimal(precision: p, scale: s)
        case .date: return .date
        case .timestamp: return .datetime2(scale: 6)
        case .string, .json, .enumeration, .uuid: return .nvarchar(maxLength: nil)
        case .binary, .fixedBinary: return .varbinary(maxLength: nil)
        default: throw TableError(.schemaMismatch, "column \(column): type \(type) cannot be stored in a database table")
        }
    }

    /// The database type a plaintext column of `type` is created with.
    static func declaredType(_ type: SQLServerType, dialect: SQLDialect) -> String {
        switch (dialect, type) {
        case (.postgres, .bit): "boolean"
        case (.postgres, .tinyint), (.postgres, .smallint): "smallint"
        case (.postgres, .int): "integer"
        case (.postgres, .bigint): "bigint"
        case (.postgres, .real): "real"
        case (.postgres, .float): "double precision"
        case (.postgres, .decimal(let p, let s)): "numeric(\(p),\(s))"
        case (.postgres, .date): "date"
        case (.postgres, .datetime2): "timestamp"
        case (.postgres, .char(let n, _)), (.postgres, .nchar(let n)): "character(\(n))"
        case (.postgres, .varchar(let n?, _)), (.postgres, .nvarchar(let n?)): "character varying(\(n))"
        case (.postgres, .varchar), (.postgres, .nvarchar): "text"
        case (.postgres, .binary), (.postgres, .varbinary): "bytea"
        case (.sqlite, .bit): "BOOLEAN"
        case (.sqlite, .tinyint), (.sqlite, .smallint), (.sqlite, .int), (.sqlite, .bigint): "INTEGER"
        case (.sqlite, .real), (.sqlite, .float): "REAL"
        case (.sqlite, .decimal(let p, let s)): "DECIMAL(\(p),\(s))"
        case (.sqlite, .date): "DATE"
        case (.sqlite, .datetime2): "TIMESTAMP"
        case (.sqlite, .char), (.sqlite, .varchar), (.sqlite, .nchar), (.sqlite, .nvarchar): "TEXT"
        case (.sqlite, .binary), (.sqlite, .varbinary): "BLOB"
        }
    }

    /// PostgreSQL returns these column types in a form `DatabaseValue` holds; others are cast to text.
    static func postgresReadsNatively(_ declared: String) -> Bool {
        let name = declared.lowercased()
        return ["smallint", "integer", "bigint", "real", "double precision", "boolean", "bytea", "text"].contains(name)
            || name.hasPrefix("character")
    }
}
