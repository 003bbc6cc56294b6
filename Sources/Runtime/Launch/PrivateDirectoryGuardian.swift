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
    /// /proc (root still can; that is what a TEE's memory encryption is for).
    public static func apply() {
        _ = strongroom_set_nondumpable()
    }
}
