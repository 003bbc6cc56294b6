import Attestation
import Foundation

/// The agent's wire protocol (docs/design/cas.md "Simulated TEE"): one request per connection,
/// newline-terminated JSON lines: the agent's challenge, the client's request (report data and the
/// challenge back), the agent's response.
enum AgentProtocol {
    /// Longest request or response line accepted.
    static let maxLineBytes = 64 * 1024

    struct Challenge: Codable {
        var challenge: String
    }

    struct Request: Codable {
        var report_data: String
        var challenge: String?
    }

    struct DecodedRequest {
        var reportData: [UInt8]
        var challenge: [UInt8]
    }

    static func encodeChallenge(_ bytes: [UInt8]) -> [UInt8] {
        Array(#"{"challenge":"\#(Data(bytes).base64EncodedString())"}"#.utf8) + [UInt8(ascii: "\n")]
    }

    static func decodeChallenge(_ line: [UInt8]) throws(AgentError) -> String {
        guard let challenge = try? JSONDecoder().decode(Challenge.self, from: Data(line)) else {
            throw AgentError(.malformedMessage, "the agent did not send a challenge (an agent from before the challenge protocol?)")
        }
        return challenge.challenge
    }

    /// `{"evidence": {…}}` or `{"error": "…"}`.
    struct Response: Codable {
        var evidence: Evidence?
        var error: String?
    }

    static func decodeRequest(_ line: [UInt8]) throws(AgentError) -> DecodedRequest {
        guard let request = try? JSONDecoder().decode(Request.self, from: Data(line)) else {
            throw AgentError(.malformedMessage, "request is not a JSON object with a report_data string")
        }
        guard let data = Data(base64Encoded: request.report_data), data.count == 64 else {
            throw AgentError(.malformedMessage, "report_data must be 64 bytes in base64")
        }
        guard let text = request.challenge, let challenge = Data(base64Encoded: text) else {
            throw AgentError(.malformedMessage, "the request must echo the agent's challenge")
        }
        return DecodedRequest(reportData: [UInt8](data), challenge: [UInt8](challenge))
    }

    static func encode(_ response: Response) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(response)).map { [UInt8]($0) } ?? Array(#"{"error":"internal error"}"#.utf8)
        return body + [UInt8(ascii: "\n")]
    }
}
