import Foundation

/// The wire format between `strongroom run --kms-proxy` and the KMS client inside its workload
/// (spark/kms CasKmsClient.java): one request line and one response line per connection, JSON.
///
///     {"op": "unwrap", "master_key_id": "k", "wrapped_key": "<text from key material>"}
///       → {"key": "<base64>"}
///     {"op": "wrap", "master_key_id": "k", "key": "<base64>"}
///       → {"wrapped_key": "<text to store in key material>"}
///     any failure → {"error": "<why; never a key>"}
public enum KMSProxyProtocol {
    public static let maxLineBytes = 64 * 1024

    public struct Request: Codable, Sendable, Equatable {
        public var op: String
        public var masterKeyID: String
        public var wrappedKey: String?
        public var key: String?

        enum CodingKeys: String, CodingKey {
            case op
            case masterKeyID = "master_key_id"
            case wrappedKey = "wrapped_key"
            case key
        }

        public init(op: String, masterKeyID: String, wrappedKey: String? = nil, key: String? = nil) {
            self.op = op
            self.masterKeyID = masterKeyID
            self.wrappedKey = wrappedKey
            self.key = key
        }
    }

    public struct Response: Codable, Sendable, Equatable {
        public var key: String?
        public var wrappedKey: String?
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case key
            case wrappedKey = "wrapped_key"
            case error
        }

        public init(key: String? = nil, wrappedKey: String? = nil, error: String? = nil) {
            self.key = key
            self.wrappedKey = wrappedKey
            self.error = error
        }
    }

    public static func decodeRequest(_ line: [UInt8]) throws(RuntimeError) -> Request {
        do {
            return try JSONDecoder().decode(Request.self, from: Data(line))
        } catch {
            throw RuntimeError(.kms, "malformed KMS proxy request: expected {\"op\", \"master_key_id\", …} JSON on one line")
        }
    }

    public static func encode(_ response: Response) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes = (try? encoder.encode(response)).map { [UInt8]($0) } ?? Array(#"{"error":"internal"}"#.utf8)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
