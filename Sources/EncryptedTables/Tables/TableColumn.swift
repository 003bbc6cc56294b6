import AlwaysEncrypted
import Columnar

/// One column of a database table as Strongroom sees it: its stored form and, when encrypted,
/// its Always Encrypted settings.
struct TableColumn: Sendable {
    var name: String
    var declaredType: String
    /// The type of the plaintext (decrypted) values.
    var sqlType: SQLServerType
    var encryption: EncryptionMetadata.EncryptedColumn?

    /// The table's columns with their encryption settings (settings naming missing columns are errors).
    static func describe(_ table: DescribedTable, in db: any TableDatabase) async throws -> [TableColumn] {
        let settings = try await EncryptionMetadata.encryptedColumns(of: table.name, in: db)
        for setting in settings where table.column(named: setting.column) == nil {
            throw TableError(.schemaMismatch, "encryption settings name column \(setting.column), which table \(table.name) does not have")
        }
        return table.columns.map { column in
            let setting = settings.first { $0.column.lowercased() == column.name.lowercased() }
            return TableColumn(
                name: column.name, declaredType: column.declaredType,
                sqlType: setting?.plaintextType ?? ColumnTypes.sqlServerType(declared: column.declaredType, dialect: db.dialect),
                encryption: setting)
        }
    }

    /// What the SELECT list reads for this column.
    func selectExpression(_ dialect: SQLDialect) -> String {
        let quoted = dialect.quote(name)
        if dialect == .postgres && encryption == nil && !ColumnTypes.postgresReadsNatively(declaredType) {
            return "CAST(\(quoted) AS text)"
        }
        return quoted
    }
}
