import Support

/// Why the agent or its client could not produce evidence. Messages never hold key bytes.
public typealias AgentError = CodedError<AgentErrorCode>

public struct AgentErrorCode: ErrorCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Creating, binding or connecting the Unix socket failed.
    public static let socket = Self("agent_socket")
    /// A request or response that is not the agent protocol.
    public static let malformedMessage = Self("agent_malformed_message")
    /// The peer's executable could not be measured.
    public static let measurement = Self("agent_measurement")
    /// The agent answered with `{"error": …}`.
    public static let refused = Self("agent_refused")
}

extension CodedError where Domain == AgentErrorCode {
    /// A socket call of the agent or its client, in the agent's terms.
    public init(_ error: SocketError, fileID: StaticString = #fileID, line: UInt = #line) {
        self.init(.socket, error.message, cause: error, fileID: fileID, line: line)
    }
}

/// Runs a socket call where the agent's errors are expected.
func agentSocket<T>(_ body: () throws(SocketError) -> T) throws(AgentError) -> T {
    do {
        return try body()
    } catch {
        throw AgentError(error)
    }
}

/// Runs an exchange on a served connection where the agent's errors are expected (a deadline
/// passed, the peer vanished, or the agent is stopping).
func agentConnection<T>(_ body: () async throws -> T) async throws(AgentError) -> T {
    do {
        return try await body()
    } catch let error as SocketError {
        throw AgentError(error)
    } catch let error as AgentError {
        throw error
    } catch {
        throw AgentError(.socket, "the exchange was cut short: the agent is stopping")
    }
}
