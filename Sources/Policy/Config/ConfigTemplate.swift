import Support
import Foundation

/// `{{secret:NAME}}` substitution in a service's environment, arguments and files.
///
/// A secret's bytes go in as UTF-8 text when they are valid UTF-8 (passwords, tokens, PEM
/// certificates and keys), otherwise as standard base64 (random bytes, raw AES keys). Text
/// that starts `{{secret` but is not a complete `{{secret:NAME}}` is an error, so a typo cannot
/// leave a placeholder in a config file; other `{{…}}` text passes through unchanged.
public enum ConfigTemplate {
    static let open = Array("{{secret".utf8)
    static let close = Array("}}".utf8)

    /// One placeholder: its byte range in the text and the secret it names.
    struct Placeholder {
        var range: Range<Int>
        var name: String
    }

    /// Secret names the text refers to, in order (validation at policy parse time).
    public static func secretNames(in text: String) throws(ConfigTemplateError) -> [String] {
        try placeholders(in: Array(text.utf8)).map(\.name)
    }

    /// Replaces every placeholder with its secret. Errors name the secret, never a value.
    public static func render(_ text: String, secrets: [String: [UInt8]]) throws(ConfigTemplateError) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var cursor = 0
        for placeholder in try placeholders(in: bytes) {
            guard let value = secrets[placeholder.name] else {
                throw ConfigTemplateError(.unknownSecret, "{{secret:\(placeholder.name)}} at byte \(placeholder.range.lowerBound) names an unknown secret")
            }
            out += bytes[cursor..<placeholder.range.lowerBound]
            out += insertion(for: value)
            cursor = placeholder.range.upperBound
        }
        out += bytes[cursor...]
        return String(decoding: out, as: UTF8.self)
    }

    static func insertion(for value: [UInt8]) -> [UInt8] {
        if String(validating: value, as: UTF8.self) != nil { return value }
        return Array(Data(value).base64EncodedString().utf8)
    }

    static func placeholders(in bytes: [UInt8]) throws(ConfigTemplateError) -> [Placeholder] {
        var found: [Placeholder] = []
        var i = 0
        while i + open.count <= bytes.count {
            guard bytes[i..<i + open.count].elementsEqual(open) else {
                i += 1
                continue
            }
            let start = i
            var j = i + open.count
            guard j < bytes.count, bytes[j] == UInt8(ascii: ":") else {
                throw ConfigTemplateError(.malformedPlaceholder, "\"{{secret\" at byte \(start) must be followed by \":NAME}}\"")
            }
            j += 1
            let nameStart = j
            while j < bytes.count, isNameByte(bytes[j]) { j += 1 }
            guard j > nameStart, j + close.count <= bytes.count, bytes[j..<j + close.count].elementsEqual(close) else {
                throw ConfigTemplateError(.malformedPlaceholder, "placeholder at byte \(start) is not of the form {{secret:NAME}}")
            }
            let name = String(decoding: bytes[nameStart..<j], as: UTF8.self)
            found.append(Placeholder(range: start..<j + close.count, name: name))
            i = j + close.count
        }
        return found
    }

    private static func isNameByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
            || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
    }
}

/// A template problem; names the secret or the byte offset, never a secret value.
public typealias ConfigTemplateError = CodedError<ConfigTemplateErrorCode>

public struct ConfigTemplateErrorCode: ErrorCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let malformedPlaceholder = Self("malformed_placeholder")
    public static let unknownSecret = Self("unknown_secret")
}
