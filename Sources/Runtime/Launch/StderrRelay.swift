import Foundation
import Support
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A pipe for a child's stderr: `pump` copies everything to our stderr unchanged and hands each
/// complete line to the observer, awaiting data without holding a thread.
final class StderrRelay: Sendable {
    let writeEnd: Int32
    private let readEnd: Int32
    private let observer: @Sendable (String) -> Void
    private let writeEndOpen = Atomic<Bool>(true)

    init(observer: @escaping @Sendable (String) -> Void) throws(RuntimeError) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw RuntimeError(.launch, "cannot create a pipe for the workload's stderr") }
        // Close-on-exec: only the child's dup2'd fd 2 may survive into it. Our end does not block.
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        readEnd = fds[0]
        writeEnd = fds[1]
        self.observer = observer
    }

    /// Relays until the pipe's end of file, or until the task is cancelled (a grandchild holding
    /// the pipe open); a last unterminated line is still handed over.
    func pump() async {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN, (try? await DescriptorReadiness.wait(readEnd, for: .read)) != nil { continue }
                break
            }
            if n == 0 { break }
            _ = buffer.withUnsafeBytes { write(2, $0.baseAddress, n) }
            pending += buffer[0..<n]
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                observer(String(decoding: pending[..<newline], as: UTF8.self))
                pending.removeSubrange(...newline)
            }
            if pending.count > 1 << 20 { pending.removeAll() }  // a line that long is not an event we look for
        }
        if !pending.isEmpty { observer(String(decoding: pending, as: UTF8.self)) }
    }

    /// The child has its copy; ours must go so the reader sees EOF when the child ends.
    func closeWriteEnd() {
        if writeEndOpen.exchange(false, ordering: .acquiringAndReleasing) { close(writeEnd) }
    }

    /// After `pump` returned.
    func closeReadEnd() { close(readEnd) }

    /// The child never started.
    func closeBothEnds() {
        closeWriteEnd()
        closeReadEnd()
    }
}
