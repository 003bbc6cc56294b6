import Attestation
import Foundation

/// The JSON conventions of the CAS API (docs/design/cas.md "Encodings used everywhere"):
/// bytes as standard base64, digests as lowercase hex, times as RFC 3339 UTC with seconds.
/// Every decoding failure names the field, never the value.
public enum APIJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func decoder() -> JSONDecoder { JSONDecoder() }

    /// A decoding error as one line that says what and where (`body.evidence.report: not valid base64`),
    /// without the offending value or the decoder's internals.
    public static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let parts = codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }
            return "body" + parts.joined()
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): required field is missing"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(describeType(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(describeType(type)), found null"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty,
                context.underlyingError != nil || context.debugDescription.contains("not valid JSON")
            {
                return "body: not valid JSON"
            }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "body: cannot be decoded"
        }
    }

    private static func describeType(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is UInt64.Type, is UInt32.Type: "an integer"
        case is Double.Type: "a number"
        default: type is any Collection.Type ? "an array" : "an object"
        }
    }
}

/// RFC 3339 UTC timestamps with whole seconds (`2026-11-27T10:00:00Z`).
public enum RFC3339Field {
    public static func encode(_ date: Date) -> String {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
            .formatted(.iso8601)
    }

    public static func decode(_ text: String, field: String) throws -> Date {
        guard let date = try? Date(text, strategy: .iso8601) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "\(field): not an RFC 3339 UTC time like 2026-11-27T10:00:00Z"))
        }
        return date
    }
}

/// Lowercase hex for digests (job hash, measurements).
public enum HexField {
    public static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String, field: String) throws -> [UInt8] {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(field): hex has an odd length"))
        }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = nibble(chars[index]), let low = nibble(chars[index + 1]) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: [], debugDescription: "\(field): not hex (character \(index))"))
            }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}

extension KeyedDecodingContainer {
    func decodeBase64(forKey key: Key) throws -> [UInt8] {
        try Base64Field.decode(decode(String.self, forKey: key), field: fieldName(key))
    }

    func decodeHex(forKey key: Key, count: Int? = nil) throws -> [UInt8] {
        let bytes = try HexField.decode(decode(String.self, forKey: key), field: fieldName(key))
        if let count, bytes.count != count {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "\(fieldName(key)): expected \(count) bytes, got \(bytes.count)")
        }
        return bytes
    }

    func decodeTime(forKey key: Key) throws -> Date {
        try RFC3339Field.decode(decode(String.self, forKey: key), field: fieldName(key))
    }

    private func fieldName(_ key: Key) -> String {
        (codingPath + [key]).map(\.stringValue).joined(separator: ".")
    }
}

extension KeyedEncodingContainer {
    mutating func encodeBase64(_ bytes: [UInt8], forKey key: Key) throws {
        try encode(Base64Field.encode(bytes), forKey: key)
    }

    mutating func encodeTime(_ date: Date, forKey key: Key) throws {
        try encode(RFC3339Field.encode(date), forKey: key)
    }
}
