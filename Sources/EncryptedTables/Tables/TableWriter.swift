import AlwaysEncrypted
import Columnar
import Foundation

/// `--output postgres://…?table=t`: creates the table (or appends to it) and inserts every row,
/// encrypting the requested columns, in one transaction — a failure or a crash part-way leaves
/// the table as it was (or absent).
public enum TableWriter {
    /// Rows per INSERT statement (bounded by the databases' parameter limits).
    static let rowsPerStatement = 500

    @discardableResult
    public static func write(_ batches: [RecordBatch], schema: Schema, to location: TableLocation,
                             encrypt requests: [EncryptedColumnRequest], keys: ColumnKeySources) async throws -> Int {
        try EncryptedColumnRequest.checkDistinct(requests)
        for request in requests where !schema.fields.contains(where: { $0.name.lowercased() == request.column.lowercased() }) {
            throw TableError(.notFound, "--encrypt names column \(request.column), which the result does not have")
        }
        return try await location.database.withConnection(create: true) { db in try await db.transaction {
            let target = try await prepareTable(schema: schema, location: location, requests: requests, db: db)
            let ring = ColumnKeyRing(database: db, sources: keys)
            var ciphers: [CellCipher?] = []
            for column in target {
                if let encryption = column.encryption { ciphers.append(try await ring.cipher(forKey: encryption.key)) } else { ciphers.append(nil) }
            }
            var written = 0
            for batch in batches where batch.rowCount > 0 {
                let readers = batch.columns.enumerated().map { EngineColumnReader(column: $1, name: schema.fields[$0].name) }
                var start = 0
                while start < batch.rowCount {
                    let end = min(batch.rowCount, start + rowsPerStatement)
                    try await insert(rows: start..<end, readers: readers, columns: target, ciphers: ciphers, table: location.table, db: db)
                    written += end - start
                    start = end
                }
            }
            return written
        } }
    }

    /// The table's columns in the result's order: created when absent, checked when present.
    private static func prepareTable(schema: Schema, location: TableLocation, requests: [EncryptedColumnRequest],
                                     db: any TableDatabase) async throws -> [TableColumn] {
        func request(_ name: String) -> EncryptedColumnRequest? { requests.first { $0.column.lowercased() == name.lowercased() } }
        guard let existing = try await db.describeTable(location.table) else {
            var columns: [TableColumn] = []
            for field in schema.fields {
                let r = request(field.name)
                let sqlType = try r?.plaintextType ?? ColumnTypes.sqlServerType(for: field.type, column: field.name)
                let encryption = r.map { EncryptionMetadata.EncryptedColumn(column: field.name, key: $0.key, encryptionType: $0.encryptionType, plaintextType: sqlType) }
                columns.append(TableColumn(name: field.name, declaredType: encryption == nil ? ColumnTypes.declaredType(sqlType, dialect: db.dialect) : db.dialect.blobType,
                                           sqlType: sqlType, encryption: encryption))
            }
            let definitions = columns.map { "\(db.dialect.quote($0.name)) \($0.declaredType)" }.joined(separator: ", ")
            try await db.query("CREATE TABLE \(db.dialect.quote(location.table)) (\(definitions))", [])
            if !requests.isEmpty { try await EncryptionMetadata.create(in: db) }
            let keyNames = Set(try await EncryptionMetadata.keyNames(in: db).map { $0.lowercased() })
            for case let encryption? in columns.map(\.encryption) {
                guard keyNames.contains(encryption.key.lowercased()) else {
                    throw TableError(.notFound, "column encryption key \(encryption.key) does not exist in \(db.location.description)")
                }
                try await EncryptionMetadata.addEncryptedColumn(encryption, table: location.table, in: db)
            }
            return columns
        }
        let described = try await TableColumn.describe(existing, in: db)
        guard described.count == schema.fields.count else {
            throw TableError(.schemaMismatch, "table \(existing.name) has \(described.count) columns, the result has \(schema.fields.count)")
        }
        return try schema.fields.map { field in
            guard let column = described.first(where: { $0.name.lowercased() == field.name.lowercased() }) else {
                throw TableError(.schemaMismatch, "table \(existing.name) has no column \(field.name)")
            }
            switch (request(field.name), column.encryption) {
            case (let r?, nil):
                throw TableError(.schemaMismatch, "column \(existing.name).\(column.name) exists unencrypted; --encrypt \(r.column) cannot append to it")
            case (let r?, let e?) where r.key.lowercased() != e.key.lowercased() || r.encryptionType != e.encryptionType
                || (r.plaintextType.map { $0 != e.plaintextType } ?? false):
                throw TableError(.schemaMismatch, "column \(existing.name).\(column.name) is encrypted with other settings (key \(e.key), \(e.encryptionType == .deterministic ? "deterministic" : "randomized"), \(e.plaintextType.declaration))")
            default:
                // An encrypted column is always written encrypted, with its own settings.
                return column
            }
        }
    }

    private static func insert(rows: Range<Int>, readers: [EngineColumnReader], columns: [TableColumn], ciphers: [CellCipher?],
                               table: String, db: any TableDatabase) async throws {
        let dialect = db.dialect
        var parameters: [DatabaseValue] = []
        parameters.reserveCapacity(rows.count * columns.count)
        var tuples: [String] = []
        for row in rows {
            var slots: [String] = []
            for (c, column) in columns.enumerated() {
                let value = try readers[c].value(row)
                if let encryption = column.encryption, let cipher = ciphers[c] {
                    parameters.append(try value.map { try encryptedCell($0, column: column, type: encryption.encryptionType, cipher: cipher, row: row) } ?? .null)
                    slots.append(dialect.placeholder(parameters.count))
                } else {
                    parameters.append(DatabaseValues.bind(try plaintext(value, column: column, row: row), dialect: dialect))
                    let slot = dialect.placeholder(parameters.count)
                    slots.append(dialect == .postgres ? "CAST(\(slot) AS \(column.declaredType))" : slot)
                }
            }
            tuples.append("(" + slots.joined(separator: ", ") + ")")
        }
        let names = columns.map { dialect.quote($0.name) }.joined(separator: ", ")
        try await db.query("INSERT INTO \(dialect.quote(table)) (\(names)) VALUES " + tuples.joined(separator: ", "), parameters)
    }

    /// A plaintext value checked against the column's type (so a too-long string fails here,
    /// with the row number, rather than being cut by the database).
    private static func plaintext(_ value: SQLServerValue?, column: TableColumn, row: Int) throws(TableError) -> SQLServerValue? {
        guard let value else { return nil }
        do {
            return try SQLServerValue(normalized: try value.normalized(as: column.sqlType), as: column.sqlType)
        } catch {
            throw TableError(.value, "column \(column.name) row \(row + 1): \(error.message)")
        }
    }

    static func encryptedCell(_ value: SQLServerValue, column: TableColumn, type: EncryptionType, cipher: CellCipher,
                              row: Int) throws(TableError) -> DatabaseValue {
        do {
            return .blob(try cipher.encrypt(try value.normalized(as: column.sqlType), type: type))
        } catch {
            throw TableError(.value, "column \(column.name) row \(row + 1): \(error.message)")
        }
    }
}
