import Columnar

/// String functions on UTF-8 bytes; character positions count Unicode scalars.
enum Strings {
    static func unary(_ f: ScalarFunction, _ v: Vector, context: PhysicalExpression) throws(QueryError) -> Vector {
        guard case .bytes(let b) = v.values else {
            throw QueryError(.typeMismatch, "\(f) needs a string, not \(v.type), in \(context)")
        }
        let n = b.count
        if f == .length {
            var out = [Int64](repeating: 0, count: n)
            b.offsets.withUnsafeBufferPointer { o in
                b.data.withUnsafeBufferPointer { d in
                    for i in 0..<n {
                        var k: Int64 = 0
                        for j in Int(o[i])..<Int(o[i + 1]) where d[j] & 0xC0 != 0x80 { k &+= 1 }
                        out[i] = k
                    }
                }
            }
            return Vector(type: .int64, values: .int(out), validity: v.validity)
        }
        var out = ByteArrays()
        out.reserve(values: n, bytes: b.data.count)
        for i in 0..<n {
            let s = b[i]
            switch f {
            case .lower, .upper:
                if s.allSatisfy({ $0 < 128 }) {
                    out.append(s.lazy.map { c in
                        f == .lower ? (c >= 65 && c <= 90 ? c | 0x20 : c) : (c >= 97 && c <= 122 ? c & ~0x20 : c)
                    })
                } else {
                    out.append(SimpleCaseMapping.map(String(decoding: s, as: UTF8.self), upper: f == .upper).utf8)
                }
            case .trim, .ltrim, .rtrim:
                var lo = s.startIndex, hi = s.endIndex
                if f != .rtrim { while lo < hi && s[lo] == 32 { lo += 1 } }
                if f != .ltrim { while hi > lo && s[hi - 1] == 32 { hi -= 1 } }
                out.append(s[lo..<hi])
            default: break
            }
        }
        return Vector(type: .string, values: .bytes(out), validity: v.validity)
    }

    /// DuckDB's substring: position 0 and negative positions (from the end), negative length
    /// takes the characters before the start.
    static func substring(_ v: Vector, _ start: Vector, _ length: Vector?, context: PhysicalExpression) throws(QueryError) -> Vector {
        guard case .bytes(let b) = v.values else {
            throw QueryError(.typeMismatch, "substring needs a string, not \(v.type), in \(context)")
        }
        var validity = andValidity(v.validity, start.validity)
        if let length { validity = andValidity(validity, length.validity) }
        let starts = start.ints, lengths = length?.ints
        var out = ByteArrays()
        out.reserve(values: b.count, bytes: b.data.count)
        var charStarts: [Int] = []
        for i in 0..<b.count {
            guard validity?[i] ?? true else { out.appendEmpty(); continue }
            let s = b[i]
            charStarts.removeAll(keepingCapacity: true)
            for j in s.indices where s[j] & 0xC0 != 0x80 { charStarts.append(j) }
            let len = charStarts.count
            let p = starts[i]
            let begin: Int64 = p > 0 ? p - 1 : (p < 0 ? Int64(len) + p : -1)
            var lo: Int64, hi: Int64
            if let lengths {
                let l = lengths[i]
                if l >= 0 { lo = begin; hi = begin.addingReportingOverflow(l).overflow ? .max : begin + l }
                else { lo = begin.subtractingReportingOverflow(-l).overflow ? .min : begin + l; hi = begin }
            } else { lo = begin; hi = Int64(len) }
            lo = max(0, min(lo, Int64(len))); hi = max(lo, min(hi, Int64(len)))
            let from = lo == Int64(len) ? s.endIndex : charStarts[Int(lo)]
            let to = hi == Int64(len) ? s.endIndex : charStarts[Int(hi)]
            out.append(s[from..<to])
        }
        return Vector(type: .string, values: .bytes(out), validity: validity)
    }

    /// concat skips NULL arguments (all NULL gives '').
    static func concat(_ parts: [Vector], rows n: Int) -> Vector {
        var out = ByteArrays()
        out.reserve(values: n, bytes: parts.reduce(0) { $0 + $1.strings.data.count })
        var buffer: [UInt8] = []
        for i in 0..<n {
            buffer.removeAll(keepingCapacity: true)
            for p in parts where p.isValid(i) { buffer.append(contentsOf: p.strings[i]) }
            out.append(buffer)
        }
        return Vector(type: .string, values: .bytes(out), validity: nil)
    }
}

enum DateFunctions {
    private static func micros(_ v: Vector, context: PhysicalExpression) throws(QueryError) -> [Int64] {
        switch v.type {
        case .date: return v.ints.map { $0 &* CivilCalendar.microsPerDay }
        case KernelType.timestamp: return v.ints
        default: throw QueryError(.typeMismatch, "expected a date or timestamp, not \(v.type), in \(context)")
        }
    }

    /// date_trunc returns a timestamp for dates and timestamps (as DuckDB).
    static func trunc(_ unit: DatePart, _ v: Vector, context: PhysicalExpression) throws(QueryError) -> Vector {
        let t = try micros(v, context: context)
        var out = t
        let step: Int64
        switch unit {
        case .day: step = CivilCalendar.microsPerDay
        case .hour: step = 3_600_000_000
        case .minute: step = 60_000_000
        case .second: step = 1_000_000
        case .millisecond: step = 1000
        case .microsecond: step = 1
        default: step = 0
        }
        if step > 0 {
            out.withUnsafeMutableBufferPointer { o in
                // Literal steps, so each inlined loop divides by a constant (a multiply, not idiv).
                switch step {
                case 3_600_000_000: floorToMultiple(o, of: 3_600_000_000)
                case CivilCalendar.microsPerDay: floorToMultiple(o, of: 86_400_000_000)
                case 60_000_000: floorToMultiple(o, of: 60_000_000)
                case 1_000_000: floorToMultiple(o, of: 1_000_000)
                default: floorToMultiple(o, of: step)
                }
            }
        } else {
            for i in out.indices {
                let days = CivilTime.floorDivide(t[i], CivilCalendar.microsPerDay).0
                let (y, m, _) = CivilTime.date(fromDays: days)
                let d: Int64
                switch unit {
                case .year: d = CivilCalendar.days(year: y, month: 1, day: 1)
                case .quarter: d = CivilCalendar.days(year: y, month: Int64((m - 1) / 3 * 3 + 1), day: 1)
                case .month: d = CivilCalendar.days(year: y, month: Int64(m), day: 1)
                case .week: d = days - isoWeekday(days) + 1
                default: throw QueryError(.unsupported, "date_trunc unit \(unit.rawValue) in \(context)")
                }
                out[i] = d &* CivilCalendar.microsPerDay
            }
        }
        return Vector(type: KernelType.timestamp, values: .int(out), validity: v.validity)
    }

    @inline(__always) private static func floorToMultiple(_ o: UnsafeMutableBufferPointer<Int64>, of step: Int64) {
        for i in 0..<o.count {
            let x = o[i]
            var r = x % step
            if r < 0 { r &+= step }
            o[i] = x &- r
        }
    }

    /// Monday = 1 … Sunday = 7 (1970-01-01 was a Thursday).
    static func isoWeekday(_ days: Int64) -> Int64 {
        var r = (days + 3) % 7
        if r < 0 { r += 7 }
        return r + 1
    }

    static func part(_ part: DatePart, _ v: Vector, context: PhysicalExpression) throws(QueryError) -> Vector {
        let t = try micros(v, context: context)
        if part == .epoch {
            return Vector(type: .float64, values: .double(t.map { Double($0) / 1_000_000 }), validity: v.validity)
        }
        var out = [Int64](repeating: 0, count: t.count)
        for i in out.indices {
            let (days, rest) = CivilTime.floorDivide(t[i], CivilCalendar.microsPerDay)
            switch part {
            case .hour: out[i] = rest / 3_600_000_000
            case .minute: out[i] = rest / 60_000_000 % 60
            case .second: out[i] = rest / 1_000_000 % 60
            case .millisecond: out[i] = rest / 1000 % 60_000
            case .microsecond: out[i] = rest % 60_000_000
            case .dayOfWeek: out[i] = isoWeekday(days) % 7
            default:
                let (y, m, d) = CivilTime.date(fromDays: days)
                switch part {
                case .year: out[i] = y
                case .quarter: out[i] = Int64((m - 1) / 3 + 1)
                case .month: out[i] = Int64(m)
                case .day: out[i] = Int64(d)
                case .dayOfYear: out[i] = days - CivilCalendar.days(year: y, month: 1, day: 1) + 1
                case .week:
                    let thursday = days - isoWeekday(days) + 4
                    let ty = CivilTime.date(fromDays: thursday).year
                    out[i] = (thursday - CivilCalendar.days(year: ty, month: 1, day: 1)) / 7 + 1
                default: break
                }
            }
        }
        return Vector(type: .int64, values: .int(out), validity: v.validity)
    }
}

/// Per-code-point case mapping, as DuckDB (utf8proc) does: a scalar whose full mapping is one
/// scalar takes it; 'ß' uppercases to 'ẞ'; other multi-scalar mappings leave the scalar as is
/// (String.uppercased() would turn "ß" into "SS" and change the length).
enum SimpleCaseMapping {
    static func map(_ text: String, upper: Bool) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if upper && scalar == "\u{DF}" { out.append("\u{1E9E}"); continue }
            let mapped = upper ? scalar.properties.uppercaseMapping : scalar.properties.lowercaseMapping
            let scalars = mapped.unicodeScalars
            out.append(scalars.count == 1 ? scalars.first! : scalar)
        }
        return String(out)
    }
}
