import Crypto
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// SHA-384 of a process's executable, read through /proc/PID/exe (the file the kernel mapped,
/// even if its path was since replaced or deleted).
///
/// Digests are cached by the file's identity (device, inode, size, mtime, ctime): a running
/// executable cannot be written (ETXTBSY) and any change to the file changes ctime, which
/// no user can set. Hashing a large binary per request would otherwise bound the agent's rate.
final class ExecutableMeasurement: Sendable {
    struct FileIdentity: Hashable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: Int64
        var modifiedNanos: Int64
        var changed: Int64
        var changedNanos: Int64

        init(_ s: stat) {
            device = UInt64(s.st_dev)
            inode = UInt64(s.st_ino)
            size = Int64(s.st_size)
            modified = Int64(s.st_mtim.tv_sec)
            modifiedNanos = Int64(s.st_mtim.tv_nsec)
            changed = Int64(s.st_ctim.tv_sec)
            changedNanos = Int64(s.st_ctim.tv_nsec)
        }
    }

    private let cache = Mutex<[FileIdentity: [UInt8]]>([:])
    private let cacheLimit = 256

    /// The 48-byte digest of `/proc/<pid>/exe`, which must still be the file `expected` names.
    func measure(pid: Int32, expected: RequestSender.FileIdentity? = nil) throws(AgentError) -> [UInt8] {
        try measure(path: "/proc/\(pid)/exe", expected: expected)
    }

    func measure(path: String, expected: RequestSender.FileIdentity? = nil) throws(AgentError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw AgentError(.measurement, "cannot open \(path) (errno \(errno))") }
        defer { close(fd) }
        var before = stat()
        guard fstat(fd, &before) == 0 else { throw AgentError(.measurement, "cannot stat \(path) (errno \(errno))") }
        if let expected, expected != RequestSender.FileIdentity(device: UInt64(before.st_dev), inode: UInt64(before.st_ino)) {
            throw AgentError(.refused, "the process executed another program while it was measured")
        }
        let identity = FileIdentity(before)
        if let cached = cache.withLock({ $0[identity] }) { return cached }

        var hasher = SHA384()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw AgentError(.measurement, "cannot read \(path) (errno \(errno))") }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        let digest = Array(hasher.finalize())

        // Cache only when the file did not change while it was read.
        var after = stat()
        if fstat(fd, &after) == 0, FileIdentity(after) == identity {
            cache.withLock { cache in
                if cache.count >= cacheLimit { cache.removeAll() }
                cache[identity] = digest
            }
        }
        return digest
    }
}
