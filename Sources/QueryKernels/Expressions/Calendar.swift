import Columnar

/// Calendar arithmetic on days and microseconds since the epoch (proleptic Gregorian, UTC).
public enum CivilCalendar {
    static let microsPerDay: Int64 = 86_400_000_000

    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func isLeap(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysInMonth(_ y: Int64, _ m: Int64) -> Int64 {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `YYYY-MM-DD` (one or two digit month/day accepted, as DuckDB does); nil when malformed.
    static func parseDate<S: Collection>(_ s: S) -> Int64? where S.Element == UInt8 {
        var it = Array(s)[...]
        return parseDatePrefix(&it).flatMap { it.isEmpty ? $0 : nil }
    }

    static func parseDatePrefix(_ s: inout ArraySlice<UInt8>) -> Int64? {
        var negative = false
        if s.first == UInt8(ascii: "-") { negative = true; s = s.dropFirst() }
        guard let y = digits(&s, max: 9), s.first == UInt8(ascii: "-") else { return nil }
        s = s.dropFirst()
        guard let m = digits(&s, max: 2), s.first == UInt8(ascii: "-") else { return nil }
        s = s.dropFirst()
        guard let d = digits(&s, max: 2) else { return nil }
        let year = negative ? -y : y
        guard (1...12).contains(m), d >= 1, d <= daysInMonth(year, m) else { return nil }
        return days(year: year, month: m, day: d)
    }

    /// `YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][Z|+00[:00]]` as microseconds; nil when malformed.
    static func parseTimestamp<S: Collection>(_ text: S) -> Int64? where S.Element == UInt8 {
        var s = Array(text)[...]
        guard let day = parseDatePrefix(&s) else { return nil }
        var micros: Int64 = 0
        if let c = s.first, c == UInt8(ascii: " ") || c == UInt8(ascii: "T") {
            s = s.dropFirst()
            guard let h = digits(&s, max: 2), s.first == UInt8(ascii: ":") else { return nil }
            s = s.dropFirst()
            guard let mi = digits(&s, max: 2) else { return nil }
            var sec: Int64 = 0, frac: Int64 = 0
            if s.first == UInt8(ascii: ":") {
                s = s.dropFirst()
                guard let x = digits(&s, max: 2) else { return nil }
                sec = x
                if s.first == UInt8(ascii: ".") {
                    s = s.dropFirst()
                    var k = 0
                    while let c = s.first, c >= 48, c <= 57 {
                        if k < 6 { frac = frac * 10 + Int64(c - 48) }
                        k += 1; s = s.dropFirst()
                    }
                    guard k > 0 else { return nil }
                    for _ in min(k, 6)..<6 { frac *= 10 }
                }
            }
            guard h < 24, mi < 60, sec < 60 else { return nil }
            micros = ((h * 60 + mi) * 60 + sec) * 1_000_000 + frac
        }
        if s.first == UInt8(ascii: "Z") { s = s.dropFirst() }
        else if s.first == UInt8(ascii: "+"), s.dropFirst().allSatisfy({ $0 == 48 || $0 == 58 }) { s = [] }
        guard s.isEmpty else { return nil }
        let (r, o) = day.multipliedReportingOverflow(by: microsPerDay)
        guard !o else { return nil }
        return r + micros
    }

    private static func digits(_ s: inout ArraySlice<UInt8>, max: Int) -> Int64? {
        var v: Int64 = 0, k = 0
        while let c = s.first, c >= 48, c <= 57, k < max {
            v = v * 10 + Int64(c - 48); k += 1; s = s.dropFirst()
        }
        return k == 0 ? nil : v
    }

    static func formatTimestamp(_ micros: Int64) -> String {
        let (days, rest) = CivilTime.floorDivide(micros, microsPerDay)
        var text = CivilTime.formatDate(days: days) + " " + CivilTime.formatTimeOfDay(micros: rest)
        // DuckDB drops a zero fraction and trailing zeros.
        while text.hasSuffix("0") && text.contains(".") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
