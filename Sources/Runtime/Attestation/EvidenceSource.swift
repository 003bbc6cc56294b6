import Agent
import Attestation

/// Where the runtime gets evidence over its report data: the node agent's Unix socket
/// (simulated TEE; the agent measures this process), or Linux configfs-tsm on SEV-SNP/TDX guests.
public enum EvidenceSource: Sendable {
    case agent(socketPath: String)
    case configfs(ConfigfsTSM)

    public static let defaultAgentSocket = "/run/strongroom/agent.sock"

    /// Blocking (a socket exchange or configfs file I/O); call it off the event loops.
    func evidence(reportData: [UInt8]) throws(RuntimeError) -> Evidence {
        switch self {
        case .agent(let socketPath):
            do {
                return try AgentClient.evidence(reportData: reportData, socketPath: socketPath)
            } catch {
                throw RuntimeError(.evidence, "no evidence from the node agent at \(socketPath): \(error.message)")
            }
        case .configfs(let tsm):
            do {
                return try tsm.evidence(reportData: reportData)
            } catch {
                throw RuntimeError(.evidence, "no evidence from configfs-tsm: \(error.message)")
            }
        }
    }
}
