import Dispatch
import Logging
import ServiceLifecycle

/// The node agent as a swift-service-lifecycle `Service`: it serves from `run()` until the
/// service group shuts down gracefully (SIGINT/SIGTERM in `strongroom agent serve`) or the task
/// is cancelled, then stops accepting, lets connections in progress finish and removes the
/// socket file. The waiting for those connections happens off Swift's cooperative pool.
public struct NodeAgentService: Service {
    public let agent: NodeAgent
    /// Called once the socket is bound and accepting.
    private let onStarted: @Sendable () -> Void

    public init(agent: NodeAgent, onStarted: @escaping @Sendable () -> Void = {}) {
        self.agent = agent
        self.onStarted = onStarted
    }

    public func run() async throws {
        try agent.start()
        onStarted()
        // Returns on graceful shutdown, or throws on cancellation: either way the agent stops.
        try? await gracefulShutdown()
        let agent = self.agent
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                agent.stop()
                done.resume()
            }
        }
    }

    /// Serves until SIGINT or SIGTERM.
    public static func runUntilSignalled(
        _ agent: NodeAgent, logger: Logger, onStarted: @escaping @Sendable () -> Void = {}
    ) async throws {
        let service = NodeAgentService(agent: agent, onStarted: onStarted)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
