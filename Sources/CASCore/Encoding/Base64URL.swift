import Foundation

/// base64url without padding (RFC 7515 §2, RFC 4648 §5), as JWS and JWK use it.
public enum Base64URL {
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text = Data(bytes).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// Nil for anything but the url-safe alphabet without padding (no '+', '/', '=' or spaces).
    public static func decode(_ text: Substring) -> [UInt8]? {
        guard text.utf8.allSatisfy(isURLSafe), text.utf8.count % 4 != 1 else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
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

/// Standard base64 for byte fields in CAS JSON; decoding errors name the field.
enum Base64Text {
    static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    static func decode(_ text: String, field: String) throws(CASError) -> [UInt8] {
        guard let data = Data(base64Encoded: text) else {
            throw CASError(.malformedRequest, "\(field): not valid base64")
        }
        return [UInt8](data)
    }
}
