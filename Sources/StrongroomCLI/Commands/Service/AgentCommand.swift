import Agent
import ArgumentParser
import Attestation
import Foundation
import Logging

struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "The node agent: TEE evidence for local workloads (simulated TEE on machines without one).",
        subcommands: [AgentServeCommand.self, AgentPublicKeyCommand.self])
}

struct AgentServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve evidence on a Unix socket: measures each peer process (SHA-384 of its executable) and signs a report with the node key.")

    @Option(help: "The Unix socket path workloads connect to.")
    var socket: String

    @Option(name: .customLong("node-key"), help: "Node key file (created with mode 0600 on first start).")
    var nodeKey: String

    @Flag(help: "Mark reports as debug (a policy must allow_debug to accept them).")
    var debug = false

    @Option(name: .customLong("trusted-library-dir"), help: "A directory (root-owned) from which measured processes may map code besides the defaults /lib, /lib64, /usr/lib, /usr/lib64, /usr/libexec, /opt/swift (repeatable). Code mapped from anywhere else is refused.")
    var trustedLibraryDirectories: [String] = []

    func run() async throws {
        let key = try NodeKey.loadOrCreate(at: nodeKey)
        let agent = NodeAgent(socketPath: socket, nodeKey: key, debug: debug,
                              trustedLibraryDirectories: RequestSender.defaultTrustedLibraryDirectories + trustedLibraryDirectories)
        let socket = self.socket
        let publicKey = key.publicKey.text
        // Stops cleanly on SIGINT/SIGTERM (connections in progress finish, the socket file is removed).
        try await NodeAgentService.runUntilSignalled(agent, logger: Logger(label: "strongroom.agent")) {
            StandardError.write("agent: serving simulated TEE evidence on \(socket), node key \(publicKey)\n")
        }
    }
}

struct AgentPublicKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "public-key",
        abstract: "Print the node key's public key (for `strongroom cas trust-node`), creating the key if needed.")

    @Option(name: .customLong("node-key"), help: "Node key file.")
    var nodeKey: String

    func run() throws {
        print(try NodeKey.loadOrCreate(at: nodeKey).publicKey.text)
    }
}
