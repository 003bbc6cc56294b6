import Agent
import Attestation
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// The agent inside a swift-service-lifecycle group, as `strongroom agent serve` runs it: it
/// answers while the group runs, and a graceful shutdown removes its socket and ends the group.
@Suite struct NodeAgentServiceTests {
    @Test func servesUntilTheGroupShutsDownGracefully() async throws {
        var template = Array((NSTemporaryDirectory() + "/sr-agent-svc-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw AgentError(.socket, "mkdtemp") }
        let directory = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socketPath = directory + "/agent.sock"
        let agent = NodeAgent(socketPath: socketPath, nodeKey: NodeKey())
        let (started, startedSink) = AsyncStream.makeStream(of: Void.self)
        let service = NodeAgentService(agent: agent) { startedSink.yield() }
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: service)], logger: Logger(label: "test.agent")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = started.makeAsyncIterator()
            _ = await iterator.next()
            let evidence = try AgentClient.evidence(reportData: [UInt8](repeating: 7, count: 64), socketPath: socketPath)
            #expect(evidence.kind == .simulated)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(!FileManager.default.fileExists(atPath: socketPath))
    }
}
