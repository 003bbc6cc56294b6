/// Why the agent or its client could not produce evidence. Messages never hold key bytes.
public struct AgentError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Creating, binding or connecting the Unix socket failed.
        public static let socket = Code(rawValue: "agent_socket")
        /// A request or response that is not the agent protocol.
        public static let malformedMessage = Code(rawValue: "agent_malformed_message")
        /// The peer's executable could not be measured.
        public static let measurement = Code(rawValue: "agent_measurement")
        /// The agent answered with `{"error": …}`.
        public static let refused = Code(rawValue: "agent_refused")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
    public static func == (a: Self, b: Self) -> Bool { a.code == b.code }
}
