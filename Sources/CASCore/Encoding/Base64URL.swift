import Foundation

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
