import Attestation
import Foundation
import Support

#if canImport(Glibc)
import Glibc
#endif

/// Asks the node agent for simulated evidence over `reportData` (the runtime's side of
/// docs/design/cas.md "Agent protocol"). The agent measures this process itself.
public enum AgentClient {
    public static func evidence(reportData: [UInt8], socketPath: String, timeoutSeconds: Int = 30) throws(AgentError) -> Evidence {
        guard reportData.count == 64 else {
            throw AgentError(.malformedMessage, "report data must be 64 bytes, got \(reportData.count)")
        }
        let fd = try agentSocket { () throws(SocketError) in try UnixSocket.connect(socketPath, service: "the node agent") }
        defer { close(fd) }
        UnixSocket.setTimeouts(fd, seconds: timeoutSeconds)
        // The agent looks at this process first, then challenges; the request answers it.
        guard let challengeLine = try agentSocket({ () throws(SocketError) in try UnixSocket.readLine(fd, limit: AgentProtocol.maxLineBytes) }),
            !challengeLine.isEmpty
        else {
            throw AgentError(.malformedMessage, "the agent closed the connection without a challenge")
        }
        let challenge = try AgentProtocol.decodeChallenge(challengeLine)
        let request = AgentProtocol.Request(report_data: Base64Field.encode(reportData), challenge: challenge)
        guard let body = try? JSONEncoder().encode(request) else {
            throw AgentError(.malformedMessage, "cannot encode the request")
        }
        try agentSocket { () throws(SocketError) in try UnixSocket.writeAll(fd, [UInt8](body) + [UInt8(ascii: "\n")]) }
        guard let line = try agentSocket({ () throws(SocketError) in try UnixSocket.readLine(fd, limit: AgentProtocol.maxLineBytes) }) else {
            throw AgentError(.malformedMessage, "agent response longer than \(AgentProtocol.maxLineBytes) bytes")
        }
        guard !line.isEmpty else { throw AgentError(.malformedMessage, "agent closed the connection without a response") }
        guard let response = try? JSONDecoder().decode(AgentProtocol.Response.self, from: Data(line)) else {
            throw AgentError(.malformedMessage, "agent response is not {\"evidence\": …} or {\"error\": …}")
        }
        if let error = response.error { throw AgentError(.refused, "node agent: \(error)") }
        guard let evidence = response.evidence else {
            throw AgentError(.malformedMessage, "agent response has neither evidence nor error")
        }
        return evidence
    }
}
