import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One accepted, non-blocking Unix stream connection. Reads and writes await readiness and
/// fail with `.timeout` past the connection's deadline, so a silent client costs a descriptor,
/// not a thread. Closed by the listener when its handler returns.
public final class UnixConnection: Sendable {
    public let fd: Int32
    public let deadline: ContinuousClock.Instant
    private let closed = Atomic<Bool>(false)

    init(fd: Int32, deadline: ContinuousClock.Instant) {
        self.fd = fd
        self.deadline = deadline
    }

    /// Waits until the connection can be read (`recv` would not block), within the deadline.
    public func readable() async throws {
        try await DescriptorReadiness.wait(fd, for: .read, deadline: deadline)
    }

    /// Reads up to the first newline (excluded) or EOF. nil when the line exceeds `limit`.
    public func readLine(limit: Int) async throws -> [UInt8]? {
        var buffer = LineBuffer(limit: limit)
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    try await readable()
                    continue
                }
                throw SocketError(.socket, "read from socket failed (errno \(errno))")
            }
            if n == 0 { return buffer.atEnd().line }
            if let outcome = buffer.append(chunk[0..<n]) { return outcome.line }
        }
    }

    /// Writes everything; MSG_NOSIGNAL so a vanished peer is an error, not SIGPIPE.
    public func writeAll(_ bytes: [UInt8]) async throws {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + done, $0.count - done, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    try await DescriptorReadiness.wait(fd, for: .write, deadline: deadline)
                    continue
                }
            }
            guard n > 0 else { throw SocketError(.socket, "write to socket failed (errno \(errno))") }
            done += n
        }
    }

    func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        Glibc.close(fd)
    }
}
