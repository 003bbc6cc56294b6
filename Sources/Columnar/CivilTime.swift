/// Calendar conversions for printing dates and timestamps (proleptic Gregorian, UTC).
public enum CivilTime {
    /// Year, month, day of `days` since 1970-01-01 (days-from-civil inverse, valid for all Int32 days).
    public static func date(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// `YYYY-MM-DD` (years outside 0...9999 get a sign and at least 4 digits, as ISO 8601 expanded years).
    public static func formatDate(days: Int64) -> String {
        let (y, m, d) = date(fromDays: days)
        return yearText(y) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ` from microseconds since the epoch.
    public static func formatTimestamp(micros: Int64) -> String {
        let (days, rest) = floorDivide(micros, 86_400_000_000)
        return formatDate(days: days) + "T" + formatTimeOfDay(micros: rest) + "Z"
    }

    /// `HH:MM:SS.ffffff` from microseconds since midnight.
    public static func formatTimeOfDay(micros: Int64) -> String {
        let (seconds, fraction) = floorDivide(micros, 1_000_000)
        let h = seconds / 3600, m = (seconds / 60) % 60, s = seconds % 60
        return pad(Int(h), 2) + ":" + pad(Int(m), 2) + ":" + pad(Int(s), 2) + "." + pad(Int(fraction), 6)
    }

    public static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        var q = a / b
        var r = a % b
        if r < 0 { q -= 1; r += b }
        return (q, r)
    }

    private static func yearText(_ y: Int64) -> String {
        if (0...9999).contains(y) { return pad(Int(y), 4) }
        return (y < 0 ? "-" : "+") + pad(Int(y.magnitude), 4)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
