import Foundation
import SQLStorage

/// An SQLite file through SQLStorage's connection (prepared statements, errors with
/// sqlite's message). Statements run in place: a local file answers without a network wait.
final class SQLiteTableDatabase: TableDatabase {
    let dialect = SQLDialect.sqlite
    let location: DatabaseLocation
    private let db: SQLiteDatabase

    init(path: String, create: Bool) throws {
        location = .sqlite(path: path)
        do {
            // A new file is created private (0600, WAL); an existing one is opened as it is.
            db = try SQLiteDatabase(path: path, create: create && !FileManager.default.fileExists(atPath: path))
        } catch {
            throw TableError(.database, error.message)
        }
    }

    func query(_ sql: String, _ parameters: [DatabaseValue]) throws -> [[DatabaseValue]] {
        try statement(sql, parameters)
    }

    private func statement(_ sql: String, _ parameters: [DatabaseValue]) throws -> [[DatabaseValue]] {
        do {
            return try db.query(sql, parameters).map(\.values)
        } catch {
            throw TableError(.database, "\(location.description): \(error.message)")
        }
    }

    func describeTable(_ name: String) throws -> DescribedTable? {
        let names = try statement("SELECT name FROM sqlite_master WHERE type = 'table' AND lower(name) = lower(?)", [.text(name)])
            .compactMap { row -> String? in if case .text(let n) = row.first { return n }; return nil }
        guard let actual = names.first(where: { $0 == name }) ?? (names.count == 1 ? names[0] : nil) else {
            if names.count > 1 { throw TableError(.notFound, "table \(name) is ambiguous in \(location.description): \(names.joined(separator: ", "))") }
            return nil
        }
        let columns = try statement("SELECT name, type FROM pragma_table_info(?) ORDER BY cid", [.text(actual)]).map { row in
            guard row.count == 2, case .text(let column) = row[0] else {
                throw TableError(.database, "unexpected pragma_table_info row for \(actual)")
            }
            var declared = ""
            if case .text(let t) = row[1] { declared = t }
            return DescribedTable.Column(name: column, declaredType: declared)
        }
        return DescribedTable(name: actual, columns: columns)
    }

    func close() { db.close() }
}
