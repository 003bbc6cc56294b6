/// A SQL Server `date`: days since 0001-01-01 in the proleptic Gregorian calendar
/// (0 ... 3_652_058 = 9999-12-31), which is also its 3-byte little-endian storage form.
public struct SQLDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let maximumDayNumber: Int32 = 3_652_058
    public let dayNumber: Int32

    public init(dayNumber: Int32) throws(AlwaysEncryptedError) {
        guard (0...Self.maximumDayNumber).contains(dayNumber) else {
            throw AlwaysEncryptedError(.valueOutOfRange, "date is outside 0001-01-01 ... 9999-12-31")
        }
        self.dayNumber = dayNumber
    }

    public init(year: Int, month: Int, day: Int) throws(AlwaysEncryptedError) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else {
            throw AlwaysEncryptedError(.valueOutOfRange, "date fields are outside 0001-01-01 ... 9999-12-31")
        }
        let number = Self.daysFromCivil(year, month, day) - Self.daysFromCivil(1, 1, 1)
        let date = try SQLDate(dayNumber: Int32(number))
        guard date.components == (year, month, day) else {
            throw AlwaysEncryptedError(.valueOutOfRange, "day \(day) does not exist in \(year)-\(month)")
        }
        self = date
    }

    public var components: (year: Int, month: Int, day: Int) {
        Self.civilFromDays(Int(dayNumber) + Self.daysFromCivil(1, 1, 1))
    }

    public var description: String {
        let (y, m, d) = components
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    public static func < (a: SQLDate, b: SQLDate) -> Bool { a.dayNumber < b.dayNumber }

    // Days relative to 1970-01-01 (H. Hinnant's civil-calendar algorithms, public domain).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// A SQL Server `datetime2`: a date and the time of day in 100-nanosecond ticks
/// (0 ..< 864_000_000_000). The column scale (0...7) decides how many ticks survive.
public struct SQLDateTime2: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let ticksPerDay: Int64 = 864_000_000_000
    public static let ticksPerSecond: Int64 = 10_000_000
    public let date: SQLDate
    public let timeTicks: Int64

    public init(date: SQLDate, timeTicks: Int64) throws(AlwaysEncryptedError) {
        guard (0..<Self.ticksPerDay).contains(timeTicks) else {
            throw AlwaysEncryptedError(.valueOutOfRange, "time of day is outside 00:00:00 ..< 24:00:00")
        }
        self.date = date
        self.timeTicks = timeTicks
    }

    public init(
        year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, fractionTicks: Int64 = 0
    ) throws(AlwaysEncryptedError) {
        guard (0..<24).contains(hour), (0..<60).contains(minute), (0..<60).contains(second),
            (0..<Self.ticksPerSecond).contains(fractionTicks)
        else {
            throw AlwaysEncryptedError(.valueOutOfRange, "time fields are out of range")
        }
        let seconds = Int64(hour * 3600 + minute * 60 + second)
        try self.init(date: SQLDate(year: year, month: month, day: day), timeTicks: seconds * Self.ticksPerSecond + fractionTicks)
    }

    /// The value a `datetime2(scale)` column keeps: ticks below the scale are dropped (truncated,
    /// as SqlClient does before encryption).
    public func truncated(toScale scale: Int) -> SQLDateTime2 {
        let unit = SQLServerType.ticksPerUnit(scale: scale)
        // Cannot fail: the truncated value is still within the day.
        return try! SQLDateTime2(date: date, timeTicks: timeTicks / unit * unit)
    }

    public var description: String {
        let seconds = timeTicks / Self.ticksPerSecond
        let fraction = timeTicks % Self.ticksPerSecond
        return "\(date) \(pad(Int(seconds / 3600), 2)):\(pad(Int(seconds / 60 % 60), 2)):\(pad(Int(seconds % 60), 2)).\(pad(Int(fraction), 7))"
    }

    public static func < (a: SQLDateTime2, b: SQLDateTime2) -> Bool {
        (a.date, a.timeTicks) < (b.date, b.timeTicks)
    }
}

func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
