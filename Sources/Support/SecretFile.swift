#if canImport(Glibc)
import Glibc
#endif

/// Files that hold secrets — keys, identities, injected configuration: created with their final
/// mode (never readable by others, not even for a moment), written whole (short writes and EINTR
/// looped over), the caller's bytes zeroed afterwards. One implementation for every module.
package enum SecretFile {
    /// What to do when the file exists.
    package enum Existing: Sendable {
        /// Refuse (O_EXCL): the caller must not lose what is there.
        case fail
        /// Replace its contents; its mode is narrowed to the requested one.
        case replace
    }

    package struct Failure: Error, Sendable {
        /// The file existed and `Existing.fail` was asked for.
        package var exists: Bool
        /// Which step failed: "create", "chmod", "write".
        package var step: String
        package var errorNumber: Int32
    }

    /// Creates or replaces `path` with `mode` and writes `bytes`, which are zeroed afterwards
    /// (also on failure). Never follows a symbolic link at `path`.
    package static func write(_ bytes: inout [UInt8], to path: String, mode: mode_t = 0o600, existing: Existing = .fail) throws(Failure) {
        defer { zero(&bytes) }
        var flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC
        flags |= existing == .fail ? O_EXCL : O_TRUNC
        let fd = open(path, flags, mode)
        guard fd >= 0 else { throw Failure(exists: errno == EEXIST, step: "create", errorNumber: errno) }
        defer { close(fd) }
        // O_CREAT's mode applies to new files only: an existing file is narrowed here.
        guard fchmod(fd, mode) == 0 else { throw Failure(exists: false, step: "chmod", errorNumber: errno) }
        try writeAll(fd, bytes)
    }

    /// Writes every byte of `bytes` to `fd`.
    package static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(Failure) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw Failure(exists: false, step: "write", errorNumber: errno) }
            done += n
        }
    }

    /// Overwrites `bytes` with zeros through a call the optimiser cannot drop.
    package static func zero(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return }
            _ = memset_s_fallback(base, raw.count)
        }
    }

    @inline(never)
    private static func memset_s_fallback(_ base: UnsafeMutableRawPointer, _ count: Int) -> UnsafeMutableRawPointer {
        memset(base, 0, count)
    }
}
