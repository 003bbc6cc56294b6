import Attestation
import Dispatch
import Foundation
import Logging
import Synchronization

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
/// A blocking accept loop on its own thread; each connection is served on the global
/// dispatch queue with 5 s socket timeouts, so a stalled client cannot hold up others.
public final class NodeAgent: Sendable {
    public let socketPath: String
    private let nodeKey: NodeKey
    private let debug: Bool
    private let trustedLibraryDirectories: [String]
    private let logger: Logger
    private let measurement = ExecutableMeasurement()
    private let state = Mutex(State())
    private let connections = DispatchGroup()

    private struct State {
        var listener: Int32 = -1
        var stopping = false
        var loopFinished: DispatchSemaphore?
    }

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

    deinit { stop() }

    /// Creates the socket (and its directory) and starts serving. The socket is mode 0666 so
    /// workloads of any user can reach it; the agent identifies them by their credentials.
    public func start() throws(AgentError) {
        let listener = try bindListener()
        let finished = DispatchSemaphore(value: 0)
        let alreadyRunning = state.withLock { state -> Bool in
            guard state.listener < 0 else { return true }
            state.listener = listener
            state.stopping = false
            state.loopFinished = finished
            return false
        }
        if alreadyRunning {
            close(listener)
            throw AgentError(.socket, "the agent is already serving \(socketPath)")
        }
        let thread = Thread { [self] in
            acceptLoop(listener)
            finished.signal()
        }
        thread.name = "strongroom-agent-accept"
        thread.start()
        logger.info("node agent listening", metadata: ["socket": "\(socketPath)", "node_key_id": "\(nodeKey.keyID)"])
    }

    /// Stops accepting, waits for connections in progress, removes the socket file.
    public func stop() {
        let (listener, finished) = state.withLock { state -> (Int32, DispatchSemaphore?) in
            defer {
                state.listener = -1
                state.loopFinished = nil
            }
            state.stopping = true
            return (state.listener, state.loopFinished)
        }
        guard listener >= 0 else { return }
        // shutdown(2) wakes the thread blocked in accept(2); it then sees `stopping`.
        shutdown(listener, Int32(SHUT_RDWR))
        finished?.wait()
        close(listener)
        connections.wait()
        unlink(socketPath)
    }

    private func bindListener() throws(AgentError) -> Int32 {
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
        var address = try agentSocket { () throws(SocketError) in try UnixSocket.address(socketPath) }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw AgentError(.socket, "cannot create a Unix socket (errno \(errno))") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw AgentError(.socket, "cannot bind \(socketPath) (errno \(code))")
        }
        guard chmod(socketPath, 0o666) == 0, listen(fd, 128) == 0 else {
            let code = errno
            close(fd)
            unlink(socketPath)
            throw AgentError(.socket, "cannot listen on \(socketPath) (errno \(code))")
        }
        return fd
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

    private func acceptLoop(_ listener: Int32) {
        UnixSocket.acceptLoop(listener, connections: connections, isStopping: { state.withLock { $0.stopping } },
                              onAcceptError: { logger.error("accept failed", metadata: ["errno": "\($0)"]) }) { [self] fd in serve(fd) }
    }

    private func serve(_ fd: Int32) {
        UnixSocket.setTimeouts(fd, seconds: 5)
        let response: AgentProtocol.Response
        do throws(AgentError) {
            let peer = try RequestSender.observe(fd)
            try UnixSocket.enableCredentialPassing(fd)
            var generator = SystemRandomNumberGenerator()  // getrandom(2)
            let challenge = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try agentSocket { () throws(SocketError) in try UnixSocket.writeAll(fd, AgentProtocol.encodeChallenge(challenge)) }
            let (line, senders) = try UnixSocket.readCredentialedLine(fd, limit: AgentProtocol.maxLineBytes)
            guard let line else {
                throw AgentError(.malformedMessage, "request longer than \(AgentProtocol.maxLineBytes) bytes")
            }
            let request = try AgentProtocol.decodeRequest(line)
            guard request.challenge == challenge else {
                throw AgentError(.refused, "the request does not answer this connection's challenge")
            }
            let reportData = request.reportData
            try peer.verify(senders: senders, trustedLibraryDirectories: trustedLibraryDirectories)
            let digest = try measurement.measure(pid: peer.pid, expected: peer.executable)
            let report = SimulatedReport(
                measurement: digest, reportData: reportData, issuedAt: UInt64(Date().timeIntervalSince1970),
                pid: UInt32(peer.pid), debug: debug)
            let signed: SimulatedReport
            do { signed = try nodeKey.sign(report) } catch {
                throw AgentError(.measurement, error.message)
            }
            response = AgentProtocol.Response(evidence: Evidence(kind: .simulated, report: signed.encoded()))
            logger.info(
                "evidence issued",
                metadata: ["pid": "\(peer.pid)", "uid": "\(peer.uid)", "measurement": "\(LowercaseHex.encode(digest))"])
        } catch {
            logger.notice("request refused", metadata: ["reason": "\(error.message)"])
            response = AgentProtocol.Response(error: error.message)
        }
        try? UnixSocket.writeAll(fd, AgentProtocol.encode(response))
    }
}
