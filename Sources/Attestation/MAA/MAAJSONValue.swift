import Foundation

/// A JSON value decoded with JSONDecoder, which keeps booleans and numbers apart (the mapping
/// must tell `true` from `1`; JSONSerialization's NSNumber does not on every platform).
package enum MAAJSONValue: Decodable, Sendable {
    case null
    case bool(Bool)
    case number(Double, text: String)
    case string(String)
    case array([MAAJSONValue])
    case object([String: MAAJSONValue])

    package init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int64.self) {
            self = .number(Double(i), text: String(i))
        } else if let d = try? c.decode(Double.self) {
            self = .number(d, text: String(d))
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([MAAJSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: MAAJSONValue].self))
        }
    }

    static func parseObject(_ bytes: [UInt8]) -> [String: MAAJSONValue]? {
        guard case .object(let o)? = try? JSONDecoder().decode(MAAJSONValue.self, from: Data(bytes)) else { return nil }
        return o
    }

    /// Strings, numbers and booleans as text; objects and arrays are not flattened.
    var scalarText: String? {
        switch self {
        case .string(let s): return s
        case .number(_, let text): return text
        case .bool(let b): return String(b)
        default: return nil
        }
    }

    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    var number: Double? { if case .number(let d, _) = self { return d } else { return nil } }
    var object: [String: MAAJSONValue]? { if case .object(let o) = self { return o } else { return nil } }
}
