import Columnar
import QueryKernels
import SQLParser

/// `DATE 'd' ± INTERVAL 'n' unit`, folded to a date while binding — the form TPC-H and most
/// reports write date ranges in. Months and years move the calendar date and clamp the day to the
/// month's end (1995-01-31 + 1 month = 1995-02-28), as DuckDB and PostgreSQL do. The INTERVAL
/// type itself (columns, timestamps, intervals of hours) is the SQL surface's (issue 16).
struct DateInterval: Equatable {
    var months: Int64
    var days: Int64

    /// `INTERVAL '90' DAY`, `INTERVAL 3 MONTH`, `INTERVAL '1 year'`, `INTERVAL '2 weeks'`; nil
    /// for anything finer than a day.
    init?(text: String, unit: String?) {
        let words = text.split(separator: " ").map { $0.lowercased() }
        let (amountText, unitText): (String, String)
        switch (words.count, unit) {
        case (1, let unit?): (amountText, unitText) = (words[0], unit)
        case (2, nil): (amountText, unitText) = (words[0], words[1])
        default: return nil
        }
        guard let amount = Int64(amountText) else { return nil }
        switch unitText.hasSuffix("s") ? String(unitText.dropLast()) : unitText {
        case "year": (months, days) = (12 * amount, 0)
        case "quarter": (months, days) = (3 * amount, 0)
        case "month": (months, days) = (amount, 0)
        case "week": (months, days) = (0, 7 * amount)
        case "day": (months, days) = (0, amount)
        default: return nil
        }
    }

    /// `days` (since the epoch) moved by this interval, forwards or backwards.
    func applied(to days: Int64, negated: Bool) -> Int64 {
        let sign: Int64 = negated ? -1 : 1
        var result = days
        if months != 0 {
            let (year, month, day) = CivilTime.date(fromDays: days)
            let total = year * 12 + Int64(month - 1) + sign * months
            let newYear = total >= 0 ? total / 12 : (total - 11) / 12
            let newMonth = total - newYear * 12 + 1
            let newDay = min(Int64(day), CivilCalendar.daysInMonth(newYear, newMonth))
            result = CivilCalendar.days(year: newYear, month: newMonth, day: newDay)
        }
        return result + sign * self.days
    }
}

extension ExpressionBinder {
    /// `left ± INTERVAL …` when `left` is a constant date: the folded date literal.
    func foldedDateInterval(_ op: SQLBinaryOperator, _ left: SQLExpression, _ right: SQLExpression) throws -> PhysicalExpression? {
        guard op == .add || op == .subtract, case .literal(.interval(let text, let unit), let at) = right else { return nil }
        guard let interval = DateInterval(text: text, unit: unit) else {
            throw BindError(.unsupported, "INTERVAL '\(text)'\(unit.map { " \($0)" } ?? ""): only years, quarters, months, weeks and days are supported", at: at)
        }
        guard case .literal(.date(let days)) = try bind(left) else {
            throw BindError(.unsupported, "INTERVAL is supported added to or subtracted from a constant DATE", at: at)
        }
        return .literal(.date(Int32(clamping: interval.applied(to: Int64(days), negated: op == .subtract))))
    }
}
