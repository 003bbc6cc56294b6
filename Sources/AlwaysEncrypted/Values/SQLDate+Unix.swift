/// Conversions between SQL Server's date/datetime2 and the Unix-epoch units of Parquet and the
/// query engine (days; microseconds), and the ISO text PostgreSQL and SQLite store.
extension SQLDate {
    /// Day number of 1970-01-01.
    static let unixEpochDayNumber = Int32(-daysFromCivil(1, 1, 1))

    public init(unixDays: Int32) throws(AlwaysEncryptedError) {
        let (number, overflow) = unixDays.addingReportingOverflow(Self.unixEpochDayNumber)
        guard !overflow else { throw AlwaysEncryptedError(.valueOutOfRange, "date is outside 0001-01-01 ... 9999-12-31") }
        try self.init(dayNumber: number)
    }

    public var unixDays: Int32 { dayNumber - Self.unixEpochDayNumber }

    /// `YYYY-MM-DD`.
    public init(isoText text: String) throws(AlwaysEncryptedError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { throw AlwaysEncryptedError(.typeMismatch, "text is not a YYYY-MM-DD date") }
        try self.init(year: y, month: m, day: d)
    }
}

extension SQLDateTime2 {
    public init(unixMicroseconds micros: Int64) throws(AlwaysEncryptedError) {
        let perDay: Int64 = 86_400_000_000
        let days = micros >= 0 ? micros / perDay : -((-micros + perDay - 1) / perDay)
        guard let day32 = Int32(exactly: days) else {
            throw AlwaysEncryptedError(.valueOutOfRange, "timestamp is outside 0001-01-01 ... 9999-12-31")
        }
        try self.init(date: SQLDate(unixDays: day32), timeTicks: (micros - days * perDay) * 10)
    }

    /// Microseconds since 1970-01-01 00:00 (ticks below a microsecond are dropped).
    public var unixMicroseconds: Int64 { Int64(date.unixDays) * 86_400_000_000 + timeTicks / 10 }

    /// `YYYY-MM-DD[ T]HH:MM:SS[.fffffff]` (what PostgreSQL and SQLite print; no time zone).
    public init(isoText text: String) throws(AlwaysEncryptedError) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19, bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T") else {
            throw AlwaysEncryptedError(.typeMismatch, "text is not a YYYY-MM-DD HH:MM:SS timestamp")
        }
        let date = try SQLDate(isoText: String(decoding: bytes[0..<10], as: UTF8.self))
        let clock = String(decoding: bytes[11..<19], as: UTF8.self).split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }), let h = Int64(clock[0]), let m = Int64(clock[1]),
            let s = Int64(clock[2]), h < 24, m < 60, s < 60
        else { throw AlwaysEncryptedError(.typeMismatch, "text is not a YYYY-MM-DD HH:MM:SS timestamp") }
        var fraction: Int64 = 0
        if bytes.count > 19 {
            let digits = bytes[20...]
            guard bytes[19] == UInt8(ascii: "."), (1...7).contains(digits.count),
                digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else { throw AlwaysEncryptedError(.typeMismatch, "timestamp fraction is not 1 to 7 digits") }
            for digit in digits { fraction = fraction * 10 + Int64(digit - UInt8(ascii: "0")) }
            for _ in digits.count..<7 { fraction *= 10 }
        }
        try self.init(date: date, timeTicks: (h * 3600 + m * 60 + s) * Self.ticksPerSecond + fraction)
    }
}
