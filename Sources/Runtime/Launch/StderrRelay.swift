import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A pipe for a child's stderr: a thread copies everything to our stderr unchanged and hands each
/// complete line to the observer.
final class StderrRelay: @unchecked Sendable {  // the fds are set once in init; `finish` runs on the waiting thread only
    let writeEnd: Int32
    private let readEnd: Int32
    private let done = DispatchSemaphore(value: 0)
    private var writeEndOpen = true

    init(observer: @escaping @Sendable (String) -> Void) throws(RuntimeError) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw RuntimeError(.launch, "cannot create a pipe for the workload's stderr") }
        // Close-on-exec: only the child's dup2'd fd 2 may survive into it.
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        readEnd = fds[0]
        writeEnd = fds[1]
        let readEnd = self.readEnd
        let done = self.done
        let thread = Thread {
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR { continue }
                if n <= 0 { break }
                _ = buffer.withUnsafeBytes { write(2, $0.baseAddress, n) }
                pending += buffer[0..<n]
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    observer(String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
                if pending.count > 1 << 20 { pending.removeAll() }  // a line that long is not an event we look for
            }
            if !pending.isEmpty { observer(String(decoding: pending, as: UTF8.self)) }
            done.signal()
        }
        thread.name = "strongroom-stderr-relay"
        thread.start()
    }

    /// The child has its copy; ours must go so the reader sees EOF when the child ends.
    func closeWriteEnd() {
        if writeEndOpen { close(writeEnd); writeEndOpen = false }
    }

    /// Waits for the reader to drain the pipe (2 s at most: a grandchild may keep it open).
    func finish(childExited: Bool) {
        closeWriteEnd()
        // On a timeout the reader keeps its fd (closing it under a blocked read could hand the
        // number to another file); the process is about to exit anyway.
        guard done.wait(timeout: .now() + (childExited ? 2 : 0)) == .success else { return }
        close(readEnd)
    }
}
