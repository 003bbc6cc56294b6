/// Writes `ManifestValue`s as block-style YAML. Strings are double-quoted whenever a YAML 1.1
/// or 1.2 reader might take them for anything else (numbers, booleans, null, syntax), so what
/// Kubernetes reads is exactly the string that was rendered.
public enum ManifestEmitter {
    public static func document(_ value: ManifestValue) -> String {
        var out = ""
        emit(value, indent: 0, into: &out, inList: false)
        return out
    }

    private static func emit(_ value: ManifestValue, indent: Int, into out: inout String, inList: Bool) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .map(let fields):
            if fields.isEmpty { out += pad + "{}\n"; return }
            for (i, field) in fields.enumerated() {
                // The first key of a list item sits after "- ".
                let prefix = (inList && i == 0) ? "" : pad
                out += prefix + scalarKey(field.key) + ":"
                writeChild(field.value, indent: indent, into: &out)
            }
        case .list(let items):
            if items.isEmpty { out += pad + "[]\n"; return }
            for item in items {
                out += pad + "-"
                switch item {
                case .map(let fields) where !fields.isEmpty:
                    out += " "
                    emit(item, indent: indent + 2, into: &out, inList: true)
                case .list(let inner) where !inner.isEmpty:
                    out += "\n"
                    emit(item, indent: indent + 2, into: &out, inList: false)
                default:
                    out += " " + inline(item) + "\n"
                }
            }
        default:
            out += pad + inline(value) + "\n"
        }
    }

    private static func writeChild(_ value: ManifestValue, indent: Int, into out: inout String) {
        switch value {
        case .map(let fields) where !fields.isEmpty:
            out += "\n"
            emit(value, indent: indent + 2, into: &out, inList: false)
        case .list(let items) where !items.isEmpty:
            out += "\n"
            emit(value, indent: indent + 2, into: &out, inList: false)
        case .string(let s) where isBlockLiteral(s):
            // Files inside ConfigMaps stay readable: a literal block keeps every character.
            let pad = String(repeating: " ", count: indent + 2)
            out += " |\n"
            for line in s.dropLast().split(separator: "\n", omittingEmptySubsequences: false) {
                out += line.isEmpty ? "\n" : pad + line + "\n"
            }
        default:
            out += " " + inline(value) + "\n"
        }
    }

    private static func inline(_ value: ManifestValue) -> String {
        switch value {
        case .string(let s): scalar(s)
        case .int(let i): String(i)
        case .bool(let b): b ? "true" : "false"
        case .map: "{}"
        case .list: "[]"
        }
    }

    /// Multi-line text that a `|` block reproduces exactly: one final newline, no trailing blanks,
    /// no tabs or control characters, first line not indented.
    static func isBlockLiteral(_ s: String) -> Bool {
        guard s.hasSuffix("\n"), !s.hasSuffix("\n\n"), s.dropLast().contains("\n"), !s.hasPrefix(" ") else { return false }
        guard s.unicodeScalars.allSatisfy({ $0 == "\n" || ($0.value >= 0x20 && $0.value != 0x7F) }) else { return false }
        return s.dropLast().split(separator: "\n", omittingEmptySubsequences: false).allSatisfy { !$0.hasSuffix(" ") }
    }

    private static func scalarKey(_ key: String) -> String { scalar(key) }

    /// Plain when unambiguous, otherwise a double-quoted string with JSON-style escapes.
    static func scalar(_ s: String) -> String {
        isSafePlain(s) ? s : quoted(s)
    }

    private static let reserved: Set<String> = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", "",
    ]

    private static func isSafePlain(_ s: String) -> Bool {
        guard let first = s.utf8.first, let last = s.utf8.last else { return false }
        if reserved.contains(s.lowercased()) { return false }
        // Anything that could start a number (1, 0x1, .5, -3, +1) or an indicator (@, `, ,) is quoted.
        let isLetter = (first >= 65 && first <= 90) || (first >= 97 && first <= 122)
        guard isLetter || first == UInt8(ascii: "/") || first == UInt8(ascii: "_") else { return false }
        if last == UInt8(ascii: ":") || last == UInt8(ascii: " ") { return false }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=@:,+".utf8)
        guard s.utf8.allSatisfy({ allowed.contains($0) }) else { return false }
        return !s.contains(": ") && !s.contains(" #")
    }

    private static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
