import Foundation

/// A cell of a result row in the JSON form of `strongroom query --format jsonl`, as text: enough
/// to compare rows by the suite's rules (Tests/sqllogic/results.py) without a JSON library's
/// number conversions, which would blur 1 and 1.0 or lose digits of large integers.
enum JSONCell: Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    /// A nested array or object, compared as its text.
    case raw(String)

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .number(let n): n
        case .string(let s): "\"\(s)\""
        case .raw(let r): r
        }
    }

    var isFloat: Bool {
        if case .number(let n) = self { return n.contains { $0 == "." || $0 == "e" || $0 == "E" } }
        return false
    }

    /// Whether `self` (the engine's) equals `expected` (DuckDB's): numbers that are floats on
    /// either side compare as doubles (within 1e-9 relative when `approx`), integers exactly.
    func matches(_ expected: JSONCell, approx: Bool) -> Bool {
        switch (self, expected) {
        case (.number(let a), .number(let e)):
            if isFloat || expected.isFloat {
                guard let x = Double(a), let y = Double(e) else { return false }
                guard approx else { return x == y }
                return abs(x - y) <= max(1e-9 * max(abs(x), abs(y)), 1e-12)
            }
            return a == e
        default:
            return self == expected
        }
    }

    /// Sort key of rowsort comparisons: NULL, booleans, numbers (to 6 significant digits, so
    /// approximate floats sort alike), strings, the rest.
    var sortKey: (Int, Double, String) {
        switch self {
        case .null: (0, 0, "")
        case .bool(let b): (1, b ? 1 : 0, "")
        case .number(let n): (2, Double(String(format: "%.6g", Double(n) ?? 0)) ?? 0, "")
        case .string(let s): (3, 0, s)
        case .raw(let r): (4, 0, r)
        }
    }
}

/// Reads the values of one JSON array (an expected row) or object (a jsonl row, keys dropped).
struct JSONRowReader {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    private let bytes: [UInt8]
    private var i = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    static func values(_ text: String) throws -> [JSONCell] {
        var reader = JSONRowReader(text)
        return try reader.row()
    }

    private mutating func row() throws -> [JSONCell] {
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") || bytes[i] == UInt8(ascii: "{") else { throw fail("a row") }
        let object = bytes[i] == UInt8(ascii: "{")
        let close = UInt8(ascii: object ? "}" : "]")
        i += 1
        var out: [JSONCell] = []
        skipSpace()
        if peek == close { i += 1; return out }
        while true {
            if object {
                _ = try string()
                skipSpace()
                guard peek == UInt8(ascii: ":") else { throw fail("':'") }
                i += 1
            }
            out.append(try value())
            skipSpace()
            if peek == UInt8(ascii: ",") { i += 1; continue }
            guard peek == close else { throw fail("',' or the row's end") }
            i += 1
            return out
        }
    }

    private var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func skipSpace() {
        while let c = peek, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 }
    }

    private func fail(_ what: String) -> Malformed {
        Malformed(description: "expected \(what) at byte \(i) of \(String(decoding: bytes, as: UTF8.self))")
    }

    private mutating func value() throws -> JSONCell {
        skipSpace()
        guard let c = peek else { throw fail("a value") }
        switch c {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "n"): try word("null"); return .null
        case UInt8(ascii: "t"): try word("true"); return .bool(true)
        case UInt8(ascii: "f"): try word("false"); return .bool(false)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let start = i
            var depth = 0
            repeat {
                if bytes[i] == UInt8(ascii: "\"") { _ = try string(); continue }
                if bytes[i] == UInt8(ascii: "[") || bytes[i] == UInt8(ascii: "{") { depth += 1 }
                if bytes[i] == UInt8(ascii: "]") || bytes[i] == UInt8(ascii: "}") { depth -= 1 }
                i += 1
            } while depth > 0 && i < bytes.count
            return .raw(String(decoding: bytes[start..<i], as: UTF8.self))
        default:
            let start = i
            while let d = peek, d == UInt8(ascii: "-") || d == UInt8(ascii: "+") || d == UInt8(ascii: ".")
                || d == UInt8(ascii: "e") || d == UInt8(ascii: "E") || (0x30...0x39).contains(d) { i += 1 }
            guard i > start else { throw fail("a value") }
            return .number(String(decoding: bytes[start..<i], as: UTF8.self))
        }
    }

    private mutating func word(_ w: String) throws {
        let w = Array(w.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else { throw fail(String(decoding: w, as: UTF8.self)) }
        i += w.count
    }

    private mutating func string() throws -> String {
        guard peek == UInt8(ascii: "\"") else { throw fail("a string") }
        i += 1
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() { scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars); raw = [] }
        while let c = peek {
            i += 1
            if c == UInt8(ascii: "\"") { flush(); return String(scalars) }
            guard c == UInt8(ascii: "\\") else { raw.append(c); continue }
            guard let e = peek else { break }
            i += 1
            flush()
            switch e {
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "u"):
                var unit = try hex4()
                if (0xD800..<0xDC00).contains(unit), peek == UInt8(ascii: "\\") {
                    i += 2
                    let low = try hex4()
                    unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(unit) else { throw fail("a valid \\u escape") }
                scalars.append(scalar)
            default: scalars.append(Unicode.Scalar(e))
            }
        }
        throw fail("the string's closing quote")
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) else {
            throw fail("four hex digits")
        }
        i += 4
        return v
    }
}
