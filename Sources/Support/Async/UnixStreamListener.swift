import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A listening Unix stream socket served on structured concurrency: every connection is a child
/// task of `serve`, which returns only when the listener stopped accepting (the shutdown signal
/// fired) and every connection in progress has finished, so a service built on it shuts down
/// gracefully by construction. No thread is held by an idle or slow client: reads and writes
/// await readiness (`DescriptorReadiness`) and each connection has a deadline.
public final class UnixStreamListener: Sendable {
    public let path: String
    private let fd: Int32
    private let served = Atomic<Bool>(false)

    /// Binds `path` (mode `mode`) and listens. The descriptor is non-blocking and close-on-exec.
    public init(path: String, mode: mode_t, backlog: Int32 = 128) throws(SocketError) {
        var address = try UnixSocket.address(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw SocketError(.socket, "cannot create a Unix socket (errno \(errno))") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw SocketError(.socket, "cannot bind \(path) (errno \(code))")
        }
        guard chmod(path, mode) == 0, listen(fd, backlog) == 0 else {
            let code = errno
            close(fd)
            unlink(path)
            throw SocketError(.socket, "cannot listen on \(path) (errno \(code))")
        }
        self.path = path
        self.fd = fd
    }

    /// Accepts until `shutdown` fires (or the task is cancelled), serving each connection in a
    /// child task with `deadline` to finish its reads and writes; then waits for the connections
    /// in progress, closes the socket and removes its file. At most `maxConnections` are served
    /// at once: further clients wait in the backlog.
    public func serve(
        until shutdown: ShutdownSignal, connectionDeadline: Duration, maxConnections: Int = 256,
        onAcceptError: @escaping @Sendable (Int32) -> Void = { _ in },
        _ handler: @escaping @Sendable (UnixConnection) async -> Void
    ) async {
        guard !served.exchange(true, ordering: .acquiringAndReleasing) else { return }
        defer {
            close(fd)
            unlink(path)
        }
        let active = ActiveConnections(limit: maxConnections)
        // Connections are served on the services' own thread, not the cooperative pool.
        await withTaskExecutorPreference(ServiceThread.shared) {
            await serveConnections(until: shutdown, connectionDeadline: connectionDeadline, active: active,
                                   onAcceptError: onAcceptError, handler)
        }
    }

    private func serveConnections(
        until shutdown: ShutdownSignal, connectionDeadline: Duration, active: ActiveConnections,
        onAcceptError: @escaping @Sendable (Int32) -> Void, _ handler: @escaping @Sendable (UnixConnection) async -> Void
    ) async {
        await withDiscardingTaskGroup { connections in
            while await acceptable(until: shutdown, active: active) {
                let accepted = accept(fd, nil, nil)
                if accepted < 0 {
                    let code = errno
                    if code == EAGAIN || code == EWOULDBLOCK || code == EINTR || code == ECONNABORTED { continue }
                    onAcceptError(code)
                    try? await Task.sleep(for: .milliseconds(50))  // EMFILE/ENFILE: back off
                    continue
                }
                // accept4(2) is hidden behind _GNU_SOURCE; the flags are set right after instead.
                _ = fcntl(accepted, F_SETFD, FD_CLOEXEC)
                _ = fcntl(accepted, F_SETFL, fcntl(accepted, F_GETFL) | O_NONBLOCK)
                active.open()
                let connection = UnixConnection(fd: accepted, deadline: .now + connectionDeadline)
                connections.addTask {
                    await handler(connection)
                    connection.close()
                    active.close()
                }
            }
        }
    }

    /// A listener never served still gives its socket back.
    deinit {
        if !served.load(ordering: .acquiring) {
            close(fd)
            unlink(path)
        }
    }

    /// Waits until a client is waiting and a connection slot is free; false once shutdown fired.
    private func acceptable(until shutdown: ShutdownSignal, active: ActiveConnections) async -> Bool {
        await withTaskGroup(of: Bool.self) { race in
            race.addTask {
                await shutdown.wait()
                return false
            }
            race.addTask { [fd] in
                do {
                    try await active.waitForSlot()
                    try await DescriptorReadiness.wait(fd, for: .read)
                    return true
                } catch {
                    return false
                }
            }
            let first = await race.next() ?? false
            race.cancelAll()
            return first && !shutdown.hasFired && !Task.isCancelled
        }
    }
}
