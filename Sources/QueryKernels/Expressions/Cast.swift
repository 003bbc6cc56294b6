import Columnar

/// CAST between kernel types, with DuckDB's rules: narrowing and out-of-range values are errors,
/// double → integer rounds half to even, decimal → integer rounds half away from zero.
enum Cast {
    static func apply(_ v: Vector, to target: DataType, context: PhysicalExpression) throws(QueryError) -> Vector {
        guard let t = KernelType.normalize(target) else {
            throw QueryError(.unsupported, "CAST to \(target) in \(context)")
        }
        if v.type == t && t == target { return v }
        let n = v.count
        let fail = { (what: String) in QueryError(.conversion, "could not convert \(what) to \(target) in \(context)") }
        var out: VectorValues
        var validity = v.validity
        switch (v.values, t) {
        case (_, _) where v.type == t:
            out = v.values
        case (.bool(let b), .int64): out = .int(b.map { $0 ? 1 : 0 })
        case (.bool(let b), .float64): out = .double(b.map { $0 ? 1 : 0 })
        case (.bool(let b), .decimal(_, let s)): out = .wide(b.map { $0 ? pow10[s] : 0 })
        case (.int(let x), .boolean): out = .bool(x.map { $0 != 0 })
        case (.int(let x), .float64): out = .double(x.map { Double($0) })
        case (.int(let x), .decimal(let p, let s)) where v.type == .int64:
            var r = [Int128](repeating: 0, count: n)
            for i in 0..<n where v.isValid(i) {
                let w = Int128(x[i]) * pow10[s]
                guard w.magnitude < pow10[p].magnitude else { throw fail("a value out of range") }
                r[i] = w
            }
            out = .wide(r)
        case (.int(let x), KernelType.timestamp) where v.type == .date:
            out = .int(x.map { $0 &* CivilCalendar.microsPerDay })
        case (.int(let x), .date) where v.type == KernelType.timestamp:
            out = .int(x.map { CivilTime.floorDivide($0, CivilCalendar.microsPerDay).0 })
        case (.double(let x), .boolean): out = .bool(x.map { $0 != 0 })
        case (.double(let x), .int64):
            var r = [Int64](repeating: 0, count: n)
            for i in 0..<n where v.isValid(i) {
                let d = x[i].rounded(.toNearestOrEven)
                guard d >= -9.223372036854775808e18, d < 9.223372036854775808e18 else { throw fail("a DOUBLE out of range") }
                r[i] = Int64(d)
            }
            out = .int(r)
        case (.double(let x), .decimal(let p, let s)):
            var r = [Int128](repeating: 0, count: n)
            let scale = Double(sign: .plus, exponent: 0, significand: 1) * pow(10, s)
            let limit = pow(10, p)
            for i in 0..<n where v.isValid(i) {
                let d = (x[i] * scale).rounded(.toNearestOrAwayFromZero)
                guard d.isFinite, abs(d) < limit else { throw fail("a DOUBLE out of range") }
                r[i] = Int128(d)
            }
            out = .wide(r)
        case (.wide(let x), .boolean): out = .bool(x.map { $0 != 0 })
        case (.wide(let x), .float64):
            guard case .decimal(_, let s) = v.type else { throw fail("\(v.type)") }
            let f = pow(10, s)
            out = .double(x.map { Double($0) / f })
        case (.wide(let x), .int64):
            guard case .decimal(_, let s) = v.type else { throw fail("\(v.type)") }
            var r = [Int64](repeating: 0, count: n)
            for i in 0..<n where v.isValid(i) {
                let q = rescale(x[i], from: s, to: 0)
                guard let w = Int64(exactly: q) else { throw fail("a DECIMAL out of range") }
                r[i] = w
            }
            out = .int(r)
        case (.wide(let x), .decimal(let p, let s)):
            guard case .decimal(_, let from) = v.type else { throw fail("\(v.type)") }
            var r = [Int128](repeating: 0, count: n)
            for i in 0..<n where v.isValid(i) {
                guard from <= s || true else { break }
                let w: Int128
                if s >= from {
                    let (m, o) = x[i].multipliedReportingOverflow(by: pow10[s - from])
                    guard !o else { throw fail("a DECIMAL out of range") }
                    w = m
                } else {
                    w = rescale(x[i], from: from, to: s)
                }
                guard w.magnitude < pow10[p].magnitude else { throw fail("a DECIMAL out of range") }
                r[i] = w
            }
            out = .wide(r)
        case (.bytes(let b), _):
            (out, validity) = try fromStrings(b, v, t, fail)
        case (_, .string):
            out = .bytes(toStrings(v))
        default:
            throw QueryError(.typeMismatch, "cannot cast \(v.type) to \(target) in \(context)")
        }
        var result = Vector(type: t, values: out, validity: validity)
        if t == .int64, target != .int64 { try checkRange(result, target, fail) }
        if t == .float64, target == .float32 { result.values = .double(result.doubles.map { Double(Float($0)) }) }
        return result
    }

    private static func pow(_ base: Double, _ e: Int) -> Double {
        var r = 1.0
        for _ in 0..<e { r *= base }
        return r
    }

    /// `x / 10^(from-to)` rounded half away from zero.
    static func rescale(_ x: Int128, from: Int, to: Int) -> Int128 {
        guard from > to else { return x * pow10[to - from] }
        let f = pow10[from - to]
        let q = x / f, r = x % f
        if r.magnitude * 2 >= f.magnitude { return x < 0 ? q - 1 : q + 1 }
        return q
    }

    private static func checkRange(_ v: Vector, _ target: DataType, _ fail: (String) -> QueryError) throws(QueryError) {
        let range: ClosedRange<Int64>
        switch target {
        case .int8: range = -128...127
        case .int16: range = -32768...32767
        case .int32: range = Int64(Int32.min)...Int64(Int32.max)
        case .uint8: range = 0...255
        case .uint16: range = 0...65535
        case .uint32: range = 0...Int64(UInt32.max)
        case .uint64: range = 0...Int64.max
        default: return
        }
        let x = v.ints
        for i in 0..<x.count where v.isValid(i) && !range.contains(x[i]) {
            throw fail("a value out of range")
        }
    }

    private static func trimmed(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = s
        while let c = s.first, c == 32 || c == 9 || c == 10 || c == 13 { s = s.dropFirst() }
        while let c = s.last, c == 32 || c == 9 || c == 10 || c == 13 { s = s.dropLast() }
        return s
    }

    private static func fromStrings(_ b: ByteArrays, _ v: Vector, _ t: DataType, _ fail: (String) -> QueryError) throws(QueryError) -> (VectorValues, [Bool]?) {
        let n = b.count
        let what = "a string"
        switch t {
        case .boolean:
            var r = [Bool](repeating: false, count: n)
            for i in 0..<n where v.isValid(i) {
                switch String(decoding: trimmed(b[i]), as: UTF8.self).lowercased() {
                case "true", "t", "yes", "y", "1": r[i] = true
                case "false", "f", "no", "n", "0": r[i] = false
                default: throw fail(what)
                }
            }
            return (.bool(r), v.validity)
        case .int64:
            var r = [Int64](repeating: 0, count: n)
            for i in 0..<n where v.isValid(i) {
                let text = String(decoding: trimmed(b[i]), as: UTF8.self)
                if let x = Int64(text) { r[i] = x; continue }
                guard let d = Double(text), d.isFinite else { throw fail(what) }
                let rounded = d.rounded(.toNearestOrAwayFromZero)
                guard rounded >= -9.223372036854775808e18, rounded < 9.223372036854775808e18 else { throw fail(what) }
                r[i] = Int64(rounded)
            }
            return (.int(r), v.validity)
        case .float64:
            var r = [Double](repeating: 0, count: n)
            for i in 0..<n where v.isValid(i) {
                guard let d = Double(String(decoding: trimmed(b[i]), as: UTF8.self)) else { throw fail(what) }
                r[i] = d
            }
            return (.double(r), v.validity)
        case .decimal(let p, let s):
            var r = [Int128](repeating: 0, count: n)
            for i in 0..<n where v.isValid(i) {
                guard let x = parseDecimal(trimmed(b[i]), scale: s), x.magnitude < pow10[p].magnitude else { throw fail(what) }
                r[i] = x
            }
            return (.wide(r), v.validity)
        case .date:
            var r = [Int64](repeating: 0, count: n)
            for i in 0..<n where v.isValid(i) {
                guard let d = CivilCalendar.parseDate(trimmed(b[i])) else { throw fail(what) }
                r[i] = d
            }
            return (.int(r), v.validity)
        case KernelType.timestamp:
            var r = [Int64](repeating: 0, count: n)
            for i in 0..<n where v.isValid(i) {
                guard let d = CivilCalendar.parseTimestamp(trimmed(b[i])) else { throw fail(what) }
                r[i] = d
            }
            return (.int(r), v.validity)
        default:
            throw fail(what)
        }
    }

    /// Decimal text (optional sign, digits, optional fraction, optional exponent) at `scale`,
    /// rounded half away from zero; nil when malformed or out of range.
    static func parseDecimal(_ s: ArraySlice<UInt8>, scale: Int) -> Int128? {
        var s = s
        var negative = false
        if let c = s.first, c == 43 || c == 45 { negative = c == 45; s = s.dropFirst() }
        var digits: [UInt8] = []
        var pointAt: Int? = nil
        var exponent = 0
        while let c = s.first {
            if c >= 48 && c <= 57 { digits.append(c - 48) }
            else if c == 46 && pointAt == nil { pointAt = digits.count }
            else if c == 101 || c == 69 {
                guard let e = Int(String(decoding: s.dropFirst(), as: UTF8.self)), abs(e) < 100 else { return nil }
                exponent = e; s = []; break
            } else { return nil }
            s = s.dropFirst()
        }
        guard !digits.isEmpty else { return nil }
        // value = digits × 10^(exponent − fractionDigits); we want value × 10^scale.
        let fractionDigits = digits.count - (pointAt ?? digits.count)
        let shift = scale + exponent - fractionDigits
        var keep = digits.count + min(shift, 0)
        var v: Int128 = 0
        if keep < 0 { keep = 0 }
        for d in digits[0..<keep] {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int128(d))
            guard !o1, !o2 else { return nil }
            v = a
        }
        if shift < 0, keep < digits.count, digits[keep] >= 5 { v += 1 }
        if shift > 0 {
            guard shift <= 38 else { return v == 0 ? 0 : nil }
            let (m, o) = v.multipliedReportingOverflow(by: pow10[shift])
            guard !o else { return nil }
            v = m
        }
        return negative ? -v : v
    }

    static func toStrings(_ v: Vector) -> ByteArrays {
        var out = ByteArrays()
        let n = v.count
        out.reserve(values: n, bytes: n * 8)
        for i in 0..<n {
            guard v.isValid(i) else { out.appendEmpty(); continue }
            out.append(text(v, i).utf8)
        }
        return out
    }

    static func text(_ v: Vector, _ i: Int) -> String {
        switch (v.type, v.values) {
        case (.boolean, .bool(let b)): return b[i] ? "true" : "false"
        case (.date, .int(let x)): return CivilTime.formatDate(days: x[i])
        case (KernelType.timestamp, .int(let x)): return CivilCalendar.formatTimestamp(x[i])
        case (_, .int(let x)): return String(x[i])
        case (_, .double(let x)): return x[i].isNaN ? "nan" : String(x[i])
        case (.decimal(_, let s), .wide(let x)):
            let u = UInt128(bitPattern: x[i])
            var bytes = [UInt8](repeating: 0, count: 16)
            for j in 0..<16 { bytes[j] = UInt8(truncatingIfNeeded: u &>> UInt128(8 * (15 - j))) }
            return DecimalText.format(bigEndian: bytes[...], scale: s)
        case (_, .bytes(let b)): return String(decoding: b[i], as: UTF8.self)
        default: return ""
        }
    }
}
