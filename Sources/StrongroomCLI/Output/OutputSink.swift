#if canImport(Glibc)
import Glibc
#endif

/// Buffered standard output; flushes in large writes.
struct OutputSink {
    private var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1 << 16) }

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Lets a writer append bytes directly; flushes when the buffer is large.
    mutating func append(_ body: (inout [UInt8]) -> Void) {
        body(&buffer)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(1, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 {
                    if errno == EINTR { continue }
                    // Reader went away (e.g. `| head`): stop quietly.
                    exit(errno == EPIPE ? 0 : 1)
                }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Progress on a terminal (stderr), silent when stderr is not a TTY.
package struct Progress {
    let enabled = isatty(2) == 1
    let label: String
    private var lastLength = 0

    package init(_ label: String) { self.label = label }

    package mutating func update(_ text: String) {
        guard enabled else { return }
        let line = "\r\(label): \(text)"
        let padded = line + String(repeating: " ", count: max(0, lastLength - line.count))
        lastLength = line.count
        StandardError.write(padded)
    }

    package mutating func finish() {
        guard enabled, lastLength > 0 else { return }
        StandardError.write("\r" + String(repeating: " ", count: lastLength) + "\r")
        lastLength = 0
    }
}

package enum StandardError {
    package static func write(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(2, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}
