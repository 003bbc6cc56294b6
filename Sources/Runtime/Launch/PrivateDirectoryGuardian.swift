import CStrongroomProcess
import Foundation

/// The process that removes a private directory when `strongroom run` ends however it ends
/// (SIGKILL included): forked at start-up, before any secret is in this process's memory, it is
/// told the directory's path later and wipes it once our end of its pipe closes.
public final class PrivateDirectoryGuardian: Sendable {
    private let pipe: Int32

    /// Starts the guardian; nil when it cannot be forked (the directory is then removed only by
    /// this process or by the sweep of a later run).
    public init?() {
        let fd = strongroom_start_guardian()
        guard fd >= 0 else { return nil }
        pipe = fd
    }

    /// Names the directory to wipe (once).
    func watch(_ path: String) {
        let line = Array((path + "\n").utf8)
        _ = line.withUnsafeBytes { Glibc.write(pipe, $0.baseAddress, $0.count) }
    }

    deinit { close(pipe) }
}

/// Hardening of an attested process (`strongroom run`, `query --cas`, …) before it asks for keys.
public enum ProcessHardening {
    /// Non-dumpable: other processes of this user cannot ptrace it or read its memory through
    /// /proc (root still can; that is what a TEE's memory encryption is for). A process that is
    /// traced already (started under a debugger, or attached before this) stops here: whatever
    /// traces it could change what it runs.
    public static func apply() throws(RuntimeError) {
        _ = strongroom_set_nondumpable()
        if let tracer = tracerPid(), tracer != 0 {
            throw RuntimeError(.launch, "this process is traced by process \(tracer): it will not ask for keys (detach the debugger)")
        }
    }

    static func tracerPid() -> Int32? {
        let fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 16 * 1024)
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        let text = String(decoding: bytes[0..<n], as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("TracerPid:") {
            return Int32(line.dropFirst("TracerPid:".count).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}
