import ArgumentParser
import EncryptedTables
import Foundation
import Query

struct SQLEncryptTableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt-table",
        abstract: "Encrypt plaintext columns of a table in place, in one transaction (like SQL Server's in-place encryption).")

    @Option(help: "The table: postgres://USER@HOST/DB?table=T or sqlite://PATH?table=T.")
    var table: String

    @Option(name: .customLong("encrypt"), help: "COLUMN=CEK:deterministic|randomized[:TYPE] (repeatable). TYPE is the SQL Server plaintext type (default: from the column's type).")
    var encrypt: [String] = []

    @OptionGroup var owner: OwnerCASOptions
    @OptionGroup var localKeys: ColumnKeyFileOptions

    func run() async throws {
        let location = try await cliTableError { try TableLocation(table) }
        let requests = try await cliTableError { try encrypt.map { try EncryptedColumnRequest(option: $0) } }
        let rows = try await owner.withKeySources(local: localKeys) { keys in
            try await cliTableError { try await InPlaceEncryption.encrypt(location, columns: requests, keys: keys) }
        }
        print("encrypted \(requests.map(\.column).joined(separator: ", ")) in \(rows) row\(rows == 1 ? "" : "s") of table \(location.table)")
    }
}

struct SQLReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Print a table; with --decrypt its encrypted columns in plaintext (for a recipient holding the keys).",
        discussion: "Without --decrypt, encrypted columns print as their ciphertext. --sql runs a query over the table, named by its table name.")

    @Option(help: "The table: postgres://USER@HOST/DB?table=T or sqlite://PATH?table=T.")
    var table: String

    @Flag(help: "Decrypt encrypted columns (CEKs unwrapped by CAS as the owner with --cas/--identity, or with --cmk-key in development).")
    var decrypt = false

    @Option(help: "A query over the table (default: SELECT * FROM <table>).")
    var sql: String?

    @Option(help: "table, csv or jsonl.")
    var format: QueryOutputFormat = .table

    @OptionGroup var owner: OwnerCASOptions
    @OptionGroup var localKeys: ColumnKeyFileOptions

    func run() async throws {
        let location = try await cliTableError { try TableLocation(table) }
        let (decrypt, format) = (self.decrypt, self.format)
        let sql = self.sql ?? "SELECT * FROM \(location.table)"
        try await owner.withKeySources(local: localKeys) { keys in
            var catalog = Catalog()
            catalog.register(location.table, external: try await cliTableError { try await DatabaseTable.open(name: location.table, location: location, keys: keys, decrypt: decrypt) })
            let result = try await cliTableError { try await QueryEngine(catalog: catalog, threads: 1).run(sql) }
            var sink = OutputSink()
            ResultPrinter.print(result, format: format, to: &sink)
            sink.flush()
        }
    }
}
