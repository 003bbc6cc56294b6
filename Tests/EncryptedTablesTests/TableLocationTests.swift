import Testing
@testable import EncryptedTables

@Suite struct TableLocationTests {
    @Test func parsesPostgresAndSQLite() throws {
        let pg = try TableLocation("postgres://hr@db.example:6432/payroll?sslmode=require&table=Employees")
        #expect(pg.table == "Employees")
        guard case .postgres(let url) = pg.database else { Issue.record("not postgres"); return }
        #expect(url.host == "db.example" && url.port == 6432 && url.database == "payroll" && url.tlsMode == .require)
        let lite = try TableLocation("sqlite:///var/data/hr.db?table=t_1")
        #expect(lite.database == .sqlite(path: "/var/data/hr.db") && lite.table == "t_1")
        #expect(try TableLocation("sqlite://relative.db?table=x").database == .sqlite(path: "relative.db"))
        #expect(try DatabaseLocation("postgres://u@h/db") == .postgres(try .init("postgres://u@h/db")))
    }

    @Test(arguments: [
        "postgres://u@h/db", "sqlite:///x.db", "sqlite://?table=t", "mysql://u@h/db?table=t",
        "postgres://u@h/db?table=1abc", "postgres://u@h/db?table=a-b", "postgres://u@h/db?table=a;drop",
        "sqlite:///x.db?table=t&mode=ro", "postgres://u@h/db?table=t&sslmode=sometimes",
    ])
    func refusesBadLocations(_ text: String) {
        #expect(throws: TableError.self) { try TableLocation(text) }
    }

    @Test func errorsNeverRepeatThePassword() {
        do {
            _ = try TableLocation("postgres://u:hunter2@h/db?table=t&sslmode=nope")
            Issue.record("accepted")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
        }
    }

    @Test func databaseOptionsRefuseATable() {
        #expect(throws: TableError.self) { try DatabaseLocation("sqlite:///x.db?table=t") }
    }
}
