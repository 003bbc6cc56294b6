import AlwaysEncrypted
import Support
import Columnar
import Foundation
import Query
import QueryKernels
import Synchronization

/// A database table as a query source (`--table NAME=postgres://…?table=t`). Encrypted columns
/// are decrypted with their CEKs (unwrapped through `keys`) into plaintext engine columns, or,
/// with `decrypt: false`, shown as their ciphertext in hex (`0x01…`). Equalities on deterministic columns
/// go to the database as equality on ciphertext; on integer and text columns as plain equality.
public final class DatabaseTable: ExternalTable {
    public let name: String
    public let location: TableLocation
    public let schema: Schema
    public let pushdownColumns: Set<Int>
    let columns: [TableColumn]
    let tableName: String
    private let keys: ColumnKeySources
    private let decrypt: Bool
    /// CEKs unwrapped by earlier scans (unwrapping may be a CAS round trip).
    private let ciphers = Mutex<[String: CellCipher]>([:])

    private init(name: String, location: TableLocation, keys: ColumnKeySources, decrypt: Bool, tableName: String,
                 columns: [TableColumn], dialect: SQLDialect) {
        self.name = name
        self.location = location
        self.keys = keys
        self.decrypt = decrypt
        self.tableName = tableName
        self.columns = columns
        schema = Schema(columns.map { column in
            Field(column.name, decrypt || column.encryption == nil ? ColumnTypes.dataType(column.sqlType) : .string)
        })
        pushdownColumns = Set(columns.indices.filter { Self.canPush(columns[$0], dialect: dialect, decrypt: decrypt) })
    }

    /// Describes the table (its columns and their encryption settings); rows are read by `load`.
    public static func open(name: String, location: TableLocation, keys: ColumnKeySources, decrypt: Bool = true) async throws -> DatabaseTable {
        try await location.database.withConnection { db in
            guard let described = try await db.describeTable(location.table) else {
                throw TableError(.notFound, "table \(location.table) does not exist in \(location.database.description)")
            }
            return DatabaseTable(
                name: name, location: location, keys: keys, decrypt: decrypt, tableName: described.name,
                columns: try await TableColumn.describe(described, in: db), dialect: db.dialect)
        }
    }

    public func load(columns wanted: [Int], equalities: [ExternalEquality]) async throws -> RecordBatch {
        try await location.database.withConnection { db in try await load(columns: wanted, equalities: equalities, db: db) }
    }

    private func load(columns wanted: [Int], equalities: [ExternalEquality], db: any TableDatabase) async throws -> RecordBatch {
        let ring = ColumnKeyRing(database: db, sources: keys)
        var ciphers: [Int: CellCipher] = [:]
        if decrypt {
            for index in Set(wanted + equalities.map(\.column)) {
                guard let key = columns[index].encryption?.key else { continue }
                ciphers[index] = try await cachedCipher(key, ring: ring)
            }
        }
        let dialect = db.dialect
        var conditions: [String] = []
        var parameters: [DatabaseValue] = []
        for equality in equalities {
            guard let bound = Self.bound(equality.value, column: columns[equality.column], cipher: ciphers[equality.column], dialect: dialect) else { continue }
            parameters.append(bound)
            conditions.append("\(dialect.quote(columns[equality.column].name)) = \(dialect.placeholder(parameters.count))")
        }
        let list = wanted.isEmpty ? "1" : wanted.map { columns[$0].selectExpression(dialect) }.joined(separator: ", ")
        let sql = "SELECT \(list) FROM \(dialect.quote(tableName))" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
        let rows = try await db.query(sql, parameters)

        var builders = wanted.map { index in
            EngineColumnBuilder(sqlType: decrypt || columns[index].encryption == nil ? columns[index].sqlType : .nvarchar(maxLength: nil))
        }
        for (r, row) in rows.enumerated() {
            for (k, index) in wanted.enumerated() {
                let column = columns[index]
                do {
                    try builders[k].append(try cellValue(row[k], column: column, cipher: ciphers[index]))
                } catch let error as AlwaysEncryptedError {
                    let what = error.code == .authenticationFailed ? "cell failed authentication (wrong key or changed bytes)" : error.message
                    throw TableError(column.encryption == nil ? .value : .keys, "table \(tableName) column \(column.name) row \(r + 1): \(what)")
                }
            }
        }
        let fields = wanted.map { schema.fields[$0] }
        return RecordBatch(schema: Schema(fields), columns: builders.map { $0.finish() }, rowCount: rows.count)
    }

    public func describePushdown(_ equalities: [ExternalEquality]) -> String {
        let encrypted = equalities.filter { columns[$0.column].encryption != nil }.count
        return "push down to \(location.table): \(equalities.count) equalit\(equalities.count == 1 ? "y" : "ies")"
            + (encrypted > 0 ? " (\(encrypted) on deterministic ciphertext)" : "")
    }

    private func cachedCipher(_ key: String, ring: ColumnKeyRing) async throws -> CellCipher {
        if let cipher = ciphers.withLock({ $0[key.lowercased()] }) { return cipher }
        let cipher = try await ring.cipher(forKey: key)
        ciphers.withLock { $0[key.lowercased()] = cipher }
        return cipher
    }

    private func cellValue(_ stored: DatabaseValue, column: TableColumn, cipher: CellCipher?) throws -> SQLServerValue? {
        guard column.encryption != nil else { return try DatabaseValues.read(stored, as: column.sqlType) }
        if case .null = stored { return nil }
        guard case .blob(let cell) = stored else {
            throw AlwaysEncryptedError(.truncated, "an encrypted column holds a value that is not bytes")
        }
        // Not decrypting: the ciphertext as SQL Server tools show varbinary.
        guard let cipher else { return .string("0x" + LowercaseHex.encode(cell).uppercased()) }
        return try SQLServerValue(normalized: try cipher.decrypt(cell), as: column.sqlType)
    }

    // MARK: pushdown

    /// Deterministic ciphertext, integers and (unpadded) text compare in the database exactly as
    /// the engine compares them; floats (-0.0, NaN), padded `character(n)` and randomized cells don't.
    private static func canPush(_ column: TableColumn, dialect: SQLDialect, decrypt: Bool) -> Bool {
        if let encryption = column.encryption {
            guard decrypt, encryption.encryptionType == .deterministic else { return false }
            switch column.sqlType {
            case .real, .float: return false
            default: return true
            }
        }
        switch column.sqlType {
        case .tinyint, .smallint, .int, .bigint: return true
        case .nvarchar, .varchar:
            return dialect == .sqlite || ["text"].contains(column.declaredType.lowercased()) || column.declaredType.lowercased().hasPrefix("character varying")
        default: return false
        }
    }

    /// The parameter that selects `value` in `column`; nil when it cannot be expressed (the
    /// engine's filter still applies, so leaving an equality out only reads more rows).
    private static func bound(_ value: ScalarValue, column: TableColumn, cipher: CellCipher?, dialect: SQLDialect) -> DatabaseValue? {
        guard let sqlValue = try? sqlServerValue(value, for: column.sqlType) else { return nil }
        guard column.encryption != nil else {
            switch (sqlValue, column.sqlType) {
            case (.bigint(let i), .tinyint), (.bigint(let i), .smallint), (.bigint(let i), .int), (.bigint(let i), .bigint): return .integer(i)
            case (.string(let s), .nvarchar), (.string(let s), .varchar): return .text(s)
            default: return nil
            }
        }
        guard let cipher, let plaintext = try? sqlValue.normalized(as: column.sqlType),
            let cell = try? cipher.encrypt(plaintext, deterministic: true)
        else { return nil }
        return .blob(cell)
    }

    private static func sqlServerValue(_ value: ScalarValue, for type: SQLServerType) throws -> SQLServerValue? {
        switch (value, type) {
        case (.int64(let i), _): return .bigint(i)
        case (.string(let s), .char), (.string(let s), .varchar), (.string(let s), .nchar), (.string(let s), .nvarchar): return .string(s)
        case (.decimal(let u, _, let s), .decimal): return .decimal(try SQLDecimal(unscaled: u, scale: s))
        case (.date(let d), .date): return .date(try SQLDate(unixDays: d))
        case (.timestamp(let t), .datetime2): return .datetime2(try SQLDateTime2(unixMicroseconds: t))
        case (.bool(let b), .bit): return .bit(b)
        default: return nil
        }
    }
}
