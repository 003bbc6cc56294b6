import Foundation

/// Standard (RFC 4648 §4) base64 for byte fields in JSON; a bad field names itself.
public enum Base64Field {
    public static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    public static func decode(_ text: String, field: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(field): not valid base64"))
        }
        return [UInt8](data)
    }
}
