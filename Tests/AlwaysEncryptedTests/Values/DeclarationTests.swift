import Testing
@testable import AlwaysEncrypted

@Suite struct DeclarationTests {
    @Test(arguments: [
        "bit", "tinyint", "smallint", "int", "bigint", "real", "float", "date", "decimal(19,4)", "decimal(38,0)",
        "datetime2(7)", "datetime2(0)", "char(11)", "varchar(max)", "varchar(100)", "nchar(10)", "nvarchar(max)",
        "nvarchar(4000)", "binary(16)", "varbinary(max)", "varbinary(8000)",
    ])
    func declarationsRoundTrip(_ text: String) throws {
        let type = try SQLServerType(declaration: text)
        #expect(type.declaration == text)
        #expect(try SQLServerType(declaration: text.uppercased().replacingOccurrences(of: ",", with: ", ")) == type)
    }

    @Test func defaultsFollowSQLServer() throws {
        #expect(try SQLServerType(declaration: "numeric(10)") == .decimal(precision: 10, scale: 0))
        #expect(try SQLServerType(declaration: "datetime2") == .datetime2(scale: 7))
        #expect(try SQLServerType(declaration: "nchar") == .nchar(length: 1))
    }

    @Test(arguments: ["", "money", "int(4)", "decimal(39,0)", "decimal(5,6)", "nvarchar(4001)", "varchar(0)",
                      "datetime2(8)", "char(max)", "decimal(a,b)", "nvarchar(10", "xml"])
    func badDeclarationsAreRefused(_ text: String) {
        #expect(throws: AlwaysEncryptedError.self) { try SQLServerType(declaration: text) }
    }

    @Test func unixDatesAndTimes() throws {
        #expect(try SQLDate(unixDays: 0).description == "1970-01-01")
        #expect(try SQLDate(isoText: "0001-01-01").dayNumber == 0)
        #expect(try SQLDate(isoText: "2024-02-29").unixDays == 19782)
        #expect(throws: AlwaysEncryptedError.self) { try SQLDate(isoText: "2023-02-29") }
        #expect(throws: AlwaysEncryptedError.self) { try SQLDate(isoText: "24-01-01") }
        let t = try SQLDateTime2(isoText: "1969-12-31 23:59:59.999999")
        #expect(t.unixMicroseconds == -1)
        #expect(try SQLDateTime2(unixMicroseconds: -1) == t)
        #expect(try SQLDateTime2(isoText: "2024-03-01T12:00:00").unixMicroseconds == 1_709_294_400_000_000)
        #expect(try SQLDateTime2(isoText: "2024-03-01 12:00:00.1234567").timeTicks == 432_001_234_567)
        for bad in ["2024-03-01", "2024-03-01 25:00:00", "2024-03-01 12:00:00.", "2024-03-01 12:00:00.12345678", "2024-03-01x12:00:00"] {
            #expect(throws: AlwaysEncryptedError.self) { try SQLDateTime2(isoText: bad) }
        }
    }
}
