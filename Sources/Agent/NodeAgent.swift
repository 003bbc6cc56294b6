import Attestation
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
import Support
#endif

/// The simulated TEE's platform (ARCHITECTURE.md "Simulated TEE"): serves a Unix stream socket;
/// per connection it notes the peer (SO_PEERCRED pid, its executable, its start time), sends a
/// fresh challenge, reads one request line whose every message must come from that same process
/// (SCM_CREDENTIALS), checks the process still runs that executable, is not traced and has no
/// loader-injection environment, measures SHA-384 of /proc/PID/exe and returns a
/// `SimulatedReport` signed by the node key. The challenge makes the request later than the
/// first look at the process, so a process cannot ask and then exec a trusted binary.
///
/// Simulation, not isolation: root can read or change any process's memory. That is why CAS
/// accepts this evidence only where a policy says `allow_simulation: true`.
///
/// Served on structured concurrency (`UnixStreamListener`): no thread waits on a client; a
/// client has 5 s from connecting to finish its exchange; the measurement, which reads the
/// executable and the process's memory, runs off Swift's cooperative pool.
public final class NodeAgent: Sendable {
    public let socketPath: String
    private let nodeKey: NodeKey
    private let debug: Bool
    private let trustedLibraryDirectories: [String]
    private let logger: Logger
    private let measurement = ExecutableMeasurement()

    /// How long a client has from connecting to reading its evidence.
    public static let connectionDeadline = Duration.seconds(5)
    /// Exchanges served at once; further clients wait in the listen backlog. An idle client
    /// costs a descriptor until its deadline, so this many idle clients delay others by 5 s at
    /// most (the default soft limit of open files is 1,024).
    public static let maxConnections = 900

    /// `debug` marks every report as coming from a debug TEE (policies refuse it unless they
    /// allow debug).
    public init(socketPath: String, nodeKey: NodeKey, debug: Bool = false,
                trustedLibraryDirectories: [String] = RequestSender.defaultTrustedLibraryDirectories,
                logger: Logger = Logger(label: "strongroom.agent")) {
        self.socketPath = socketPath
        self.nodeKey = nodeKey
        self.debug = debug
        self.trustedLibraryDirectories = trustedLibraryDirectories
        self.logger = logger
    }

    /// Creates the socket (and its directory). The socket is mode 0666 so workloads of any user
    /// can reach it; the agent identifies them by their credentials. Refused while another agent
    /// serves the path.
    public func bind() throws(AgentError) -> UnixStreamListener {
        try prepareSocketPath()
        let listener = try agentSocket { () throws(SocketError) in try UnixStreamListener(path: socketPath, mode: 0o666) }
        logger.info("node agent listening", metadata: ["socket": "\(socketPath)", "node_key_id": "\(nodeKey.keyID)"])
        return listener
    }

    /// Serves `listener` until `shutdown` fires, then lets the exchanges in progress finish and
    /// removes the socket file.
    public func serve(_ listener: UnixStreamListener, until shutdown: ShutdownSignal) async {
        await listener.serve(
            until: shutdown, connectionDeadline: Self.connectionDeadline, maxConnections: Self.maxConnections,
            onAcceptError: { [logger] in logger.error("accept failed", metadata: ["errno": "\($0)"]) }
        ) { [self] connection in await serve(connection) }
    }

    private func prepareSocketPath() throws(AgentError) {
        let directory = (socketPath as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            } catch {
                throw AgentError(.socket, "cannot create the socket directory \(directory)")
            }
        }
        try removeStaleSocket()
    }

    /// A socket file left by a crashed agent is removed; a live agent's socket is not.
    private func removeStaleSocket() throws(AgentError) {
        var info = stat()
        guard lstat(socketPath, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw AgentError(.socket, "\(socketPath) exists and is not a socket")
        }
        if let fd = try? UnixSocket.connect(socketPath) {
            close(fd)
            throw AgentError(.socket, "another agent is serving \(socketPath)")
        }
        unlink(socketPath)
    }

    private func serve(_ connection: UnixConnection) async {
        let response: AgentProtocol.Response
        do throws(AgentError) {
            let peer = try RequestSender.observe(connection.fd)
            try UnixSocket.enableCredentialPassing(connection.fd)
            var generator = SystemRandomNumberGenerator()  // getrandom(2)
            let challenge = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try await agentConnection { try await connection.writeAll(AgentProtocol.encodeChallenge(challenge)) }
            let (line, senders) = try await agentConnection { try await UnixSocket.readCredentialedLine(connection, limit: AgentProtocol.maxLineBytes) }
            guard let line else {
                throw AgentError(.malformedMessage, "request longer than \(AgentProtocol.maxLineBytes) bytes")
            }
            let request = try AgentProtocol.decodeRequest(line)
            guard request.challenge == challenge else {
                throw AgentError(.refused, "the request does not answer this connection's challenge")
            }
            let report = try await measure(peer, senders: senders, reportData: request.reportData)
            response = AgentProtocol.Response(evidence: Evidence(kind: .simulated, report: report.encoded()))
            logger.info(
                "evidence issued",
                metadata: ["pid": "\(peer.pid)", "uid": "\(peer.uid)", "measurement": "\(LowercaseHex.encode(report.measurement))"])
        } catch {
            logger.notice("request refused", metadata: ["reason": "\(error.message)"])
            response = AgentProtocol.Response(error: error.message)
        }
        try? await connection.writeAll(AgentProtocol.encode(response))
    }

    /// The checks after the request arrived, the measurement and the signature: reading /proc
    /// and hashing the executable is work for a thread of its own, not the cooperative pool.
    private func measure(_ peer: RequestSender, senders: Set<Int32>, reportData: [UInt8]) async throws(AgentError) -> SimulatedReport {
        let (trusted, measurement, nodeKey, debug) = (trustedLibraryDirectories, measurement, nodeKey, debug)
        do {
            return try await Offload.run { () throws -> SimulatedReport in
                try peer.verify(senders: senders, trustedLibraryDirectories: trusted)
                let digest = try measurement.measure(pid: peer.pid, expected: peer.executable)
                let report = SimulatedReport(
                    measurement: digest, reportData: reportData, issuedAt: UInt64(Date().timeIntervalSince1970),
                    pid: UInt32(peer.pid), debug: debug)
                do throws(NodeKeyError) { return try nodeKey.sign(report) } catch { throw AgentError(.measurement, error.message) }
            }
        } catch let error as AgentError {
            throw error
        } catch {
            throw AgentError(.measurement, "\(error)")
        }
    }
}
