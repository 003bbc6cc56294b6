import AlwaysEncrypted
import Testing

@Suite struct SQLServerValueTests {
    /// Normalized bytes written out by hand from the rules (normalization version 1).
    @Test func normalizedForms() throws {
        #expect(try SQLServerValue.int(1).normalized(as: .int) == [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(try SQLServerValue.int(-2).normalized(as: .int) == [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(try SQLServerValue.int(300).normalized(as: .bigint) == [0x2C, 1, 0, 0, 0, 0, 0, 0])
        #expect(try SQLServerValue.bigint(.min).normalized(as: .bigint) == [0, 0, 0, 0, 0, 0, 0, 0x80])
        #expect(try SQLServerValue.tinyint(255).normalized(as: .smallint) == [0xFF, 0, 0, 0, 0, 0, 0, 0])
        #expect(try SQLServerValue.bit(true).normalized(as: .bit) == [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(try SQLServerValue.bit(false).normalized(as: .bit) == [0, 0, 0, 0, 0, 0, 0, 0])
        #expect(try SQLServerValue.float(1.0).normalized(as: .float) == [0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
        #expect(try SQLServerValue.real(1.0).normalized(as: .real) == [0, 0, 0x80, 0x3F])
        #expect(try SQLServerValue.real(1.5).normalized(as: .float) == [0, 0, 0, 0, 0, 0, 0xF8, 0x3F])
        #expect(try SQLServerValue.decimal(SQLDecimal("123.45")).normalized(as: .decimal(precision: 18, scale: 2))
            == [1, 0x39, 0x30] + Array(repeating: 0, count: 14))
        #expect(try SQLServerValue.decimal(SQLDecimal("-1.5")).normalized(as: .decimal(precision: 10, scale: 3))
            == [0, 0xDC, 0x05] + Array(repeating: 0, count: 14))  // -1500 at scale 3
        #expect(try SQLServerValue.int(7).normalized(as: .decimal(precision: 5, scale: 2))
            == [1, 0xBC, 0x02] + Array(repeating: 0, count: 14))  // 700
        #expect(try SQLServerValue.date(SQLDate(year: 1, month: 1, day: 1)).normalized(as: .date) == [0, 0, 0])
        #expect(try SQLServerValue.date(SQLDate(year: 1970, month: 1, day: 1)).normalized(as: .date) == [0x3A, 0xF9, 0x0A])  // 719_162
        #expect(try SQLServerValue.date(SQLDate(year: 9999, month: 12, day: 31)).normalized(as: .date) == [0xDA, 0xB9, 0x37])
        // 12:00:00.1234567 on 1970-01-01 in datetime2(3): ticks truncated to ms, written at 100 ns.
        let noon = try SQLDateTime2(year: 1970, month: 1, day: 1, hour: 12, fractionTicks: 1_234_567)
        let ticks: Int64 = 12 * 3600 * 10_000_000 + 1_230_000
        #expect(try SQLServerValue.datetime2(noon).normalized(as: .datetime2(scale: 3))
            == (0..<5).map { UInt8(truncatingIfNeeded: ticks >> (8 * $0)) } + [0x3A, 0xF9, 0x0A])
        #expect(try SQLServerValue.string("Aé").normalized(as: .nvarchar(maxLength: nil)) == [0x41, 0, 0xE9, 0])
        #expect(try SQLServerValue.string("😀").normalized(as: .nvarchar(maxLength: 2)) == [0x3D, 0xD8, 0x00, 0xDE])
        #expect(try SQLServerValue.string("Aé€").normalized(as: .varchar(maxLength: 10)) == [0x41, 0xE9, 0x80])
        #expect(try SQLServerValue.string("Aé").normalized(as: .varchar(maxLength: 10, encoding: .utf8)) == [0x41, 0xC3, 0xA9])
        #expect(try SQLServerValue.string("ab").normalized(as: .char(length: 4)) == [0x61, 0x62, 0x20, 0x20])
        #expect(try SQLServerValue.binary([1, 2]).normalized(as: .varbinary(maxLength: nil)) == [1, 2])
        #expect(try SQLServerValue.binary([1, 2]).normalized(as: .binary(length: 4)) == [1, 2, 0, 0])
    }

    /// The tedious vectors encrypt nvarchar plaintexts; their bytes are our nvarchar form.
    @Test func tediousPlaintextsAreNvarchar() throws {
        #expect(try SQLServerValue.string("val_determ_1").normalized(as: .nvarchar(maxLength: 50))
            == hex("760061006C005F00640065007400650072006D005F003100"))
        #expect(try SQLServerValue.string("val_rand_2").normalized(as: .nvarchar(maxLength: 50))
            == hex("760061006C005F00720061006E0064005F003200"))
    }

    static let roundTrips: [(SQLServerValue, SQLServerType)] = [
        (.bit(true), .bit), (.bit(false), .bit),
        (.tinyint(0), .tinyint), (.tinyint(255), .tinyint),
        (.smallint(.min), .smallint), (.int(.max), .int), (.int(.min), .int), (.bigint(.max), .bigint),
        (.real(-3.25), .real), (.float(.pi), .float), (.float(-0.0), .float), (.float(.greatestFiniteMagnitude), .float),
        (.decimal(try! SQLDecimal("99999999999999999999999999999999999999")), .decimal(precision: 38, scale: 0)),
        (.decimal(try! SQLDecimal("-0.00000000000000000000000000000000000001")), .decimal(precision: 38, scale: 38)),
        (.decimal(try! SQLDecimal("0.00")), .decimal(precision: 5, scale: 2)),
        (.date(try! SQLDate(year: 2024, month: 2, day: 29)), .date),
        (.date(try! SQLDate(year: 9999, month: 12, day: 31)), .date),
        (.datetime2(try! SQLDateTime2(year: 2021, month: 1, day: 26, hour: 15, minute: 8, second: 22, fractionTicks: 9_999_999)), .datetime2(scale: 7)),
        (.datetime2(try! SQLDateTime2(year: 1, month: 1, day: 1)), .datetime2(scale: 0)),
        (.string(""), .nvarchar(maxLength: nil)), (.string("Zürich ✓ 😀"), .nvarchar(maxLength: 4000)),
        (.string("12345     "), .nchar(length: 10)),
        (.string("Œuvre – “x”"), .varchar(maxLength: 100)), (.string("Zürich ✓"), .varchar(maxLength: nil, encoding: .utf8)),
        (.string("ab  "), .char(length: 4)),
        (.binary([]), .varbinary(maxLength: nil)), (.binary([0, 255, 7]), .varbinary(maxLength: 3)), (.binary([9, 0]), .binary(length: 2)),
    ]

    @Test func roundTripsThroughNormalizedBytesAndCells() throws {
        let cipher = try CellCipher(key: CellKey(rootKeyBytes: Array(0..<32)))
        for (value, type) in Self.roundTrips {
            let bytes = try value.normalized(as: type)
            #expect(try SQLServerValue(normalized: bytes, as: type) == value, "\(type)")
            let cell = try cipher.encrypt(bytes, deterministic: true)
            #expect(try SQLServerValue(normalized: cipher.decrypt(cell), as: type) == value, "\(type)")
        }
    }

    @Test func refusesWhatSQLServerRefuses() throws {
        let cases: [(SQLServerValue, SQLServerType, AlwaysEncryptedError.Code)] = [
            (.int(256), .tinyint, .valueOutOfRange), (.bigint(1 << 40), .int, .valueOutOfRange),
            (.string("1"), .int, .typeMismatch), (.int(1), .bit, .typeMismatch), (.float(1), .real, .typeMismatch),
            (.float(.nan), .float, .valueOutOfRange), (.real(.infinity), .real, .valueOutOfRange),
            (.decimal(try SQLDecimal("1.234")), .decimal(precision: 10, scale: 2), .valueOutOfRange),
            (.decimal(try SQLDecimal("1000")), .decimal(precision: 5, scale: 2), .valueOutOfRange),
            (.int(1), .decimal(precision: 39, scale: 0), .valueOutOfRange),
            (.string("abc"), .nvarchar(maxLength: 2), .valueOutOfRange), (.string("abc"), .nchar(length: 2), .valueOutOfRange),
            (.string("✓"), .varchar(maxLength: 10), .invalidEncoding), (.string("\u{80}"), .varchar(maxLength: 10), .invalidEncoding),
            (.binary([1, 2, 3]), .binary(length: 2), .valueOutOfRange),
            (.datetime2(try SQLDateTime2(year: 2000, month: 1, day: 1)), .datetime2(scale: 8), .valueOutOfRange),
            (.date(try SQLDate(dayNumber: 0)), .datetime2(scale: 7), .typeMismatch),
        ]
        for (value, type, code) in cases {
            let error = #expect(throws: AlwaysEncryptedError.self) { try value.normalized(as: type) }
            #expect(error?.code == code, "\(value) as \(type)")
        }
        #expect(throws: AlwaysEncryptedError.self) { try SQLDate(year: 2001, month: 2, day: 29) }
        #expect(throws: AlwaysEncryptedError.self) { try SQLDate(year: 10000, month: 1, day: 1) }
        #expect(throws: AlwaysEncryptedError.self) { try SQLDecimal("1e5") }
        #expect(throws: AlwaysEncryptedError.self) { try SQLDecimal("123456789012345678901234567890123456789") }
    }

    /// Decoding arbitrary bytes as every type either succeeds or throws; it never traps.
    @Test func decodingGarbageNeverCrashes() throws {
        let types: [SQLServerType] = [
            .bit, .tinyint, .smallint, .int, .bigint, .real, .float, .decimal(precision: 38, scale: 4),
            .decimal(precision: 3, scale: 0), .date, .datetime2(scale: 7), .nchar(length: 4), .nvarchar(maxLength: nil),
            .char(length: 8), .varchar(maxLength: nil, encoding: .utf8), .varchar(maxLength: 8), .binary(length: 8),
            .varbinary(maxLength: 8),
        ]
        var generator = SystemRandomNumberGenerator()
        for type in types {
            for length in 0...20 {
                for _ in 0..<20 {
                    let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                    _ = try? SQLServerValue(normalized: bytes, as: type)
                }
                _ = try? SQLServerValue(normalized: Array(repeating: 0xFF, count: length), as: type)
            }
        }
        let wrongLength = #expect(throws: AlwaysEncryptedError.self) { try SQLServerValue(normalized: [1, 0, 0, 0], as: .int) }
        #expect(wrongLength?.code == .truncated)
        let badBit = #expect(throws: AlwaysEncryptedError.self) { try SQLServerValue(normalized: [2, 0, 0, 0, 0, 0, 0, 0], as: .bit) }
        #expect(badBit?.code == .valueOutOfRange)
        let badDate = #expect(throws: AlwaysEncryptedError.self) { try SQLServerValue(normalized: [0xFF, 0xFF, 0xFF], as: .date) }
        #expect(badDate?.code == .valueOutOfRange)
        let oddUTF16 = #expect(throws: AlwaysEncryptedError.self) { try SQLServerValue(normalized: [0x41], as: .nvarchar(maxLength: nil)) }
        #expect(oddUTF16?.code == .invalidEncoding)
    }

    @Test func dateCalendar() throws {
        #expect(try SQLDate(year: 1970, month: 1, day: 1).dayNumber == 719_162)
        #expect(try SQLDate(year: 9999, month: 12, day: 31).dayNumber == SQLDate.maximumDayNumber)
        #expect(try SQLDate(year: 2000, month: 3, day: 1).dayNumber - SQLDate(year: 2000, month: 2, day: 28).dayNumber == 2)
        #expect(try SQLDate(year: 1900, month: 3, day: 1).dayNumber - SQLDate(year: 1900, month: 2, day: 28).dayNumber == 1)
        for number in stride(from: Int32(0), through: SQLDate.maximumDayNumber, by: 997) {
            let date = try SQLDate(dayNumber: number)
            let (y, m, d) = date.components
            #expect(try SQLDate(year: y, month: m, day: d) == date)
        }
        #expect(try SQLDate(year: 2024, month: 2, day: 29).description == "2024-02-29")
        #expect(try SQLDecimal("-0.05").description == "-0.05")
        #expect(try SQLDecimal("12.340").description == "12.340")
    }
}
