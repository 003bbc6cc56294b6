import Foundation

/// base64url (RFC 4648 §5) as JWS, JWK and Azure evidence use it — one strictness everywhere:
/// the url-safe alphabet only (no '+', '/', whitespace), '=' padding optional but, when present,
/// only at the end and only to a multiple of 4. Encoding never pads (RFC 7515 §2).
public enum Base64URL {
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text = Data(bytes).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// Nil for anything outside the rule above.
    public static func decode(_ text: Substring) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        let padding = utf8.reversed().prefix(while: { $0 == UInt8(ascii: "=") }).count
        let body = utf8.dropLast(padding)
        guard body.allSatisfy(isURLSafe), body.count % 4 != 1 else { return nil }
        if padding > 0 { guard padding <= 2, utf8.count % 4 == 0 else { return nil } }
        var standard = String(decoding: body, as: UTF8.self)
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.utf8.count % 4 != 0 { standard += "=" }
        guard let data = Data(base64Encoded: standard) else { return nil }
        return [UInt8](data)
    }

    public static func decode(_ text: String) -> [UInt8]? { decode(text[...]) }

    private static func isURLSafe(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"): true
        default: false
        }
    }
}
