import Columnar

/// A ContosoHR-like Employees table (Microsoft's Always Encrypted sample): SSN and Salary are
/// the sensitive columns. Values come from a seeded generator, so every run prints the same.
enum ContosoHRSample {
    static let departments = ["Engineering", "Finance", "Human Resources", "Marketing", "Operations", "Sales"]
    static let firstNames = ["Ana", "Ben", "Chloé", "Dev", "Eitan", "Fatima", "Grace", "Hiro", "Ines", "Jonas", "Kemal", "Lena",
                             "Mateo", "Nia", "Oskar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Yara"]
    static let lastNames = ["Abbott", "Bauer", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ivanova", "Jensen",
                            "Kowalski", "López", "Müller", "Nakamura", "O'Brien", "Petrov", "Rossi", "Schmidt", "Tanaka", "Weber"]

    static let schema = Schema([
        Field("EmployeeID", .int32, nullable: false), Field("SSN", .string), Field("FirstName", .string),
        Field("LastName", .string), Field("Department", .string), Field("Salary", .decimal(precision: 19, scale: 4)),
    ])

    static func batch(rows: Int, seed: UInt64) -> RecordBatch {
        var ids: [Int32] = [], salaries: [Int64] = []
        var ssn = ByteArrays(), first = ByteArrays(), last = ByteArrays(), department = ByteArrays()
        for i in 0..<rows {
            var g = TaxiSample.Generator(state: seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
            ids.append(Int32(i + 1))
            ssn.append(String(format: "%03d-%02d-%04d", 100 + g.below(800), 10 + g.below(89), 1000 + g.below(9000)).utf8)
            first.append(firstNames[g.below(firstNames.count)].utf8)
            last.append(lastNames[g.below(lastNames.count)].utf8)
            let d = g.below(departments.count)
            department.append(departments[d].utf8)
            // Salaries in whole cents, 45,000–160,000, shifted by department.
            let cents = Int64(4_500_000 + d * 1_000_000 + g.below(9_000_000))
            salaries.append(cents * 100)
        }
        return RecordBatch(schema: schema, columns: [
            Column(type: .int32, values: .int32(ids)), Column(type: .string, values: .bytes(ssn)),
            Column(type: .string, values: .bytes(first)), Column(type: .string, values: .bytes(last)),
            Column(type: .string, values: .bytes(department)),
            Column(type: .decimal(precision: 19, scale: 4), values: .int64(salaries)),
        ], rowCount: rows)
    }
}
