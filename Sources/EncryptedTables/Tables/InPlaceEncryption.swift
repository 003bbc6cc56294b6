import AlwaysEncrypted
import Foundation

/// `strongroom sql encrypt-table`: encrypts existing plaintext columns of a table where they are,
/// like SQL Server's in-place encryption, in one transaction. Each column becomes a bytes column
/// of the same name (at the end of the column list; constraints on it are not kept).
public enum InPlaceEncryption {
    @discardableResult
    public static func encrypt(_ location: TableLocation, columns requests: [EncryptedColumnRequest],
                               keys: ColumnKeySources) async throws -> Int {
        try EncryptedColumnRequest.checkDistinct(requests)
        guard !requests.isEmpty else { throw TableError(.invalidLocation, "give at least one --encrypt COLUMN=CEK:TYPE") }
        return try await location.database.withConnection { db in try await db.transaction {
            let dialect = db.dialect
            guard let described = try await db.describeTable(location.table) else {
                throw TableError(.notFound, "table \(location.table) does not exist in \(db.location.description)")
            }
            let table = described.name
            let existing = try await TableColumn.describe(described, in: db)
            try await EncryptionMetadata.create(in: db)
            let ring = ColumnKeyRing(database: db, sources: keys)
            var targets: [(column: TableColumn, setting: EncryptionMetadata.EncryptedColumn, cipher: CellCipher, staging: String)] = []
            for request in requests {
                guard let column = existing.first(where: { $0.name.lowercased() == request.column.lowercased() }) else {
                    throw TableError(.notFound, "table \(table) has no column \(request.column)")
                }
                guard column.encryption == nil else { throw TableError(.schemaMismatch, "column \(table).\(column.name) is already encrypted") }
                let setting = EncryptionMetadata.EncryptedColumn(
                    column: column.name, key: request.key, encryptionType: request.encryptionType,
                    plaintextType: request.plaintextType ?? column.sqlType)
                let staging = "\(column.name)__ae_staging"
                guard described.column(named: staging) == nil else { throw TableError(.schemaMismatch, "table \(table) already has a column \(staging)") }
                targets.append((column, setting, try await ring.cipher(forKey: request.key), staging))
            }
            for target in targets {
                try await db.query("ALTER TABLE \(dialect.quote(table)) ADD COLUMN \(dialect.quote(target.staging)) \(dialect.blobType)", [])
            }
            let rowID = dialect == .sqlite ? "rowid" : "CAST(ctid AS text)"
            let list = ([rowID] + targets.map { $0.column.selectExpression(dialect) }).joined(separator: ", ")
            let rows = try await db.query("SELECT \(list) FROM \(dialect.quote(table))", [])
            var updates: [[DatabaseValue]] = []
            for (r, row) in rows.enumerated() {
                var cells: [DatabaseValue] = [row[0]]
                for (k, target) in targets.enumerated() {
                    do {
                        guard let value = try DatabaseValues.read(row[k + 1], as: target.setting.plaintextType) else {
                            cells.append(.null)
                            continue
                        }
                        let plaintext = try value.normalized(as: target.setting.plaintextType)
                        cells.append(.blob(try target.cipher.encrypt(plaintext, type: target.setting.encryptionType)))
                    } catch let error as AlwaysEncryptedError {
                        throw TableError(.value, "table \(table) column \(target.column.name) row \(r + 1): \(error.message)")
                    }
                }
                updates.append(cells)
            }
            try await writeCells(updates, staging: targets.map(\.staging), table: table, db: db)
            for target in targets {
                try await db.query("ALTER TABLE \(dialect.quote(table)) DROP COLUMN \(dialect.quote(target.column.name))", [])
                try await db.query("ALTER TABLE \(dialect.quote(table)) RENAME COLUMN \(dialect.quote(target.staging)) TO \(dialect.quote(target.column.name))", [])
                try await EncryptionMetadata.addEncryptedColumn(target.setting, table: table, in: db)
            }
            return rows.count
        } }
    }

    /// Sets the staging columns row by row (SQLite, by rowid) or 500 rows per statement
    /// (PostgreSQL, by ctid — stable within the transaction for rows not yet updated).
    private static func writeCells(_ updates: [[DatabaseValue]], staging: [String], table: String, db: any TableDatabase) async throws {
        let dialect = db.dialect
        switch dialect {
        case .sqlite:
            let sets = staging.map { "\(dialect.quote($0)) = ?" }.joined(separator: ", ")
            for cells in updates {
                try await db.query("UPDATE \(dialect.quote(table)) SET \(sets) WHERE rowid = ?", Array(cells.dropFirst()) + [cells[0]])
            }
        case .postgres:
            let names = ["id"] + staging.indices.map { "c\($0)" }
            let sets = staging.enumerated().map { "\(dialect.quote($1)) = v.c\($0)" }.joined(separator: ", ")
            var start = 0
            while start < updates.count {
                let chunk = updates[start..<min(updates.count, start + 500)]
                var parameters: [DatabaseValue] = []
                var tuples: [String] = []
                for cells in chunk {
                    var slots: [String] = []
                    for (k, cell) in cells.enumerated() {
                        parameters.append(cell)
                        slots.append("CAST($\(parameters.count) AS \(k == 0 ? "tid" : "bytea"))")
                    }
                    tuples.append("(" + slots.joined(separator: ", ") + ")")
                }
                try await db.query("""
                    UPDATE \(dialect.quote(table)) AS t SET \(sets)
                    FROM (VALUES \(tuples.joined(separator: ", "))) AS v(\(names.joined(separator: ", "))) WHERE t.ctid = v.id
                    """, parameters)
                start += chunk.count
            }
        }
    }
}
