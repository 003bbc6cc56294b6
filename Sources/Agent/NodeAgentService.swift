import Logging
import ServiceLifecycle
import Support

/// The node agent as a swift-service-lifecycle `Service`: it serves from `run()` until the
/// service group shuts down gracefully (SIGINT/SIGTERM in `strongroom agent serve`) or the task
/// is cancelled; a graceful shutdown stops accepting, lets the exchanges in progress finish and
/// removes the socket file.
public struct NodeAgentService: Service {
    public let agent: NodeAgent
    /// Called once the socket is bound and accepting.
    private let onStarted: @Sendable () -> Void

    public init(agent: NodeAgent, onStarted: @escaping @Sendable () -> Void = {}) {
        self.agent = agent
        self.onStarted = onStarted
    }

    public func run() async throws {
        let listener = try agent.bind()
        onStarted()
        let shutdown = ShutdownSignal()
        await withDiscardingTaskGroup { group in
            group.addTask {
                // Returns on graceful shutdown, or throws on cancellation: either way stop accepting.
                try? await gracefulShutdown()
                shutdown.trigger()
            }
            await agent.serve(listener, until: shutdown)
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
