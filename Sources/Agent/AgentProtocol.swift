import Attestation
import Foundation

/// The agent's wire protocol (docs/design/cas.md "Simulated TEE"): one request per connection,
/// one newline-terminated JSON line each way.
enum AgentProtocol {
    /// Longest request or response line accepted.
    static let maxLineBytes = 64 * 1024

    struct Request: Codable {
        var report_data: String
    }

    /// `{"evidence": {…}}` or `{"error": "…"}`.
    struct Response: Codable {
        var evidence: Evidence?
        var error: String?
    }

    static func decodeRequest(_ line: [UInt8]) throws(AgentError) -> [UInt8] {
        guard let request = try? JSONDecoder().decode(Request.self, from: Data(line)) else {
            throw AgentError(.malformedMessage, "request is not a JSON object with a report_data string")
        }
        guard let data = Data(base64Encoded: request.report_data), data.count == 64 else {
            throw AgentError(.malformedMessage, "report_data must be 64 bytes in base64")
        }
        return [UInt8](data)
    }

    static func encode(_ response: Response) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(response)).map { [UInt8]($0) } ?? Array(#"{"error":"internal error"}"#.utf8)
        return body + [UInt8(ascii: "\n")]
    }
}
