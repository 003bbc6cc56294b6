/// A JSON object whose values are scalars — the shape of PKMT1 key material, key metadata,
/// KEYS.json and external key-material files. Parsing is strict and bounded (one level, no
/// recursion); errors give the byte offset and never quote values, which may be key bytes.
struct FlatJSON: Sendable, Equatable {
    enum Value: Sendable, Equatable {
        case string(String)
        case bool(Bool)
        case null
        case number(String)
    }

    /// Members in document order.
    var members: [(key: String, value: Value)]

    static func == (a: FlatJSON, b: FlatJSON) -> Bool {
        a.members.count == b.members.count && zip(a.members, b.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    subscript(key: String) -> Value? {
        members.first { $0.key == key }?.value
    }

    init(members: [(key: String, value: Value)]) {
        self.members = members
    }

    /// `what` names the document in error messages ("KEYS.json", "key metadata").
    init(parsing bytes: [UInt8], what: String) throws {
        var reader = Reader(bytes: bytes, what: what)
        members = try reader.parseObject()
    }

    /// Serializes like Jackson's ObjectMapper: no spaces, members in the order given.
    func serialized() -> String {
        var out = "{"
        for (i, member) in members.enumerated() {
            if i > 0 { out += "," }
            out += Self.quote(member.key)
            out += ":"
            switch member.value {
            case .string(let s): out += Self.quote(s)
            case .bool(let b): out += b ? "true" : "false"
            case .null: out += "null"
            case .number(let n): out += n
            }
        }
        return out + "}"
    }

    /// Jackson's default string escaping: `"` and `\` backslashed, \b \t \n \f \r short forms,
    /// other control characters as \u00XX (upper-case hex); '/' and non-ASCII are written as is.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\u{0C}": out += "\\f"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    let hex = Array("0123456789ABCDEF")
                    out += "\\u00" + String(hex[Int(scalar.value >> 4)]) + String(hex[Int(scalar.value & 15)])
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private struct Reader {
        let bytes: [UInt8]
        let what: String
        var position = 0

        init(bytes: [UInt8], what: String) {
            self.bytes = bytes
            self.what = what
        }

        func fail(_ message: String) -> ParquetError {
            ParquetError(.malformed, "\(what): \(message) at byte \(position)")
        }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func expect(_ byte: UInt8) throws {
            skipWhitespace()
            guard position < bytes.count else { throw fail("unexpected end, expected '\(Character(UnicodeScalar(byte)))'") }
            guard bytes[position] == byte else { throw fail("expected '\(Character(UnicodeScalar(byte)))'") }
            position += 1
        }

        mutating func parseObject() throws -> [(key: String, value: Value)] {
            // Skip a UTF-8 byte order mark some editors write.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
            try expect(UInt8(ascii: "{"))
            var members: [(key: String, value: Value)] = []
            var seen = Set<String>()
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
            } else {
                while true {
                    skipWhitespace()
                    let keyStart = position
                    let key = try parseString()
                    guard seen.insert(key).inserted else {
                        position = keyStart
                        throw fail("duplicate member")
                    }
                    try expect(UInt8(ascii: ":"))
                    let value = try parseValue()
                    members.append((key, value))
                    skipWhitespace()
                    guard position < bytes.count else { throw fail("unexpected end inside object") }
                    let c = bytes[position]
                    position += 1
                    if c == UInt8(ascii: "}") { break }
                    guard c == UInt8(ascii: ",") else { position -= 1; throw fail("expected ',' or '}'") }
                }
            }
            skipWhitespace()
            guard position == bytes.count else { throw fail("trailing bytes after the object") }
            return members
        }

        mutating func parseValue() throws -> Value {
            skipWhitespace()
            guard position < bytes.count else { throw fail("unexpected end, expected a value") }
            switch bytes[position] {
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            case UInt8(ascii: "{"), UInt8(ascii: "["): throw fail("nested objects and arrays are not supported")
            default: throw fail("invalid value")
            }
        }

        mutating func literal(_ word: String) throws {
            let w = Array(word.utf8)
            guard bytes.count - position >= w.count, Array(bytes[position..<position + w.count]) == w else {
                throw fail("invalid literal")
            }
            position += w.count
        }

        mutating func parseNumber() throws -> String {
            let start = position
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"),
                     UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                    position += 1
                default:
                    return String(decoding: bytes[start..<position], as: UTF8.self)
                }
            }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        mutating func parseString() throws -> String {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a string") }
            position += 1
            var utf8 = [UInt8]()
            while true {
                guard position < bytes.count else { throw fail("unterminated string") }
                let c = bytes[position]
                position += 1
                switch c {
                case UInt8(ascii: "\""):
                    guard let s = String(validating: utf8, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
                    return s
                case UInt8(ascii: "\\"):
                    guard position < bytes.count else { throw fail("unterminated escape") }
                    let e = bytes[position]
                    position += 1
                    switch e {
                    case UInt8(ascii: "\""): utf8.append(0x22)
                    case UInt8(ascii: "\\"): utf8.append(0x5C)
                    case UInt8(ascii: "/"): utf8.append(0x2F)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar) {
                            guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                                throw fail("unpaired surrogate")
                            }
                            position += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(scalar) {
                            throw fail("unpaired surrogate")
                        }
                        guard let u = UnicodeScalar(scalar) else { throw fail("invalid \\u escape") }
                        utf8.append(contentsOf: Array(String(Character(u)).utf8))
                    default:
                        throw fail("invalid escape")
                    }
                default:
                    guard c >= 0x20 else { throw fail("control character in string") }
                    utf8.append(c)
                }
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard bytes.count - position >= 4 else { throw fail("truncated \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[position]
                let d: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
                default: throw fail("invalid hex digit in \\u escape")
                }
                v = v << 4 | d
                position += 1
            }
            return v
        }
    }
}
