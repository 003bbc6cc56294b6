import ArgumentParser
import EncryptedTables
import Foundation

struct SQLSampleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Write a ContosoHR-like Employees table (EmployeeID, SSN, FirstName, LastName, Department, Salary) into a database.",
        discussion: "Plaintext unless --encrypt is given; encrypt it later in place with `strongroom sql encrypt-table`.")

    @Option(help: "The table to create: postgres://USER@HOST/DB?table=Employees or sqlite://PATH?table=Employees.")
    var output: String

    @Option(help: "Number of employees.")
    var rows: Int = 1000

    @Option(help: "Generator seed (the same seed gives the same table).")
    var seed: UInt64 = 1

    @Option(name: .customLong("encrypt"), help: "COLUMN=CEK:deterministic|randomized[:TYPE] (repeatable).")
    var encrypt: [String] = []

    @OptionGroup var owner: OwnerCASOptions
    @OptionGroup var localKeys: ColumnKeyFileOptions

    func validate() throws {
        if rows < 1 || rows > 10_000_000 { throw ValidationError("--rows must be 1…10000000") }
    }

    func run() async throws {
        let location = try await cliTableError { try TableLocation(output) }
        let requests = try await cliTableError { try encrypt.map { try EncryptedColumnRequest(option: $0) } }
        let batch = ContosoHRSample.batch(rows: rows, seed: seed)
        let written = try await owner.withKeySources(local: localKeys) { keys in
            try await cliTableError { try await TableWriter.write([batch], schema: ContosoHRSample.schema, to: location, encrypt: requests, keys: keys) }
        }
        print("wrote \(written) employees to table \(location.table)")
    }
}
