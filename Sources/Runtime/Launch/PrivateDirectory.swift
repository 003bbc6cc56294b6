import Foundation
import Support

/// A directory only this user can read, for the files a policy injects (certificates, config
/// with secrets). It lives on tmpfs (/dev/shm) when there is one, so secrets never reach a
/// disk, and is removed with everything in it when the workload ends — by this process, by its
/// guardian when this process is killed, or by the sweep of a later run (`sweepStale`) when both
/// were killed. A `.owner` file names the process (pid and start time) it belongs to.
public final class PrivateDirectory: Sendable {
    public let path: String
    public static let defaultPrefix = "strongroom-run"
    static let ownerFile = ".owner"

    static var base: String { FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory() }

    public init(prefix: String = PrivateDirectory.defaultPrefix, guardian: PrivateDirectoryGuardian? = nil) throws(RuntimeError) {
        let base = Self.base
        var template = Array((base + "/" + prefix + ".XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        guard created != nil else {
            throw RuntimeError(.privateDirectory, "cannot create a private directory under \(base)")
        }
        // mkdtemp creates with 0700; say so explicitly in case of an unusual umask.
        path = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        chmod(path, 0o700)
        guardian?.watch(path)
        let me = getpid()
        try write(relativePath: Self.ownerFile, contents: Array("\(me) \(Self.startTime(of: me) ?? 0)\n".utf8))
    }

    /// Removes private directories of this user whose process is gone (killed together with its
    /// guardian): the secrets in them do not outlive the job by more than the next run.
    public static func sweepStale(prefix: String = PrivateDirectory.defaultPrefix) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else { return }
        for name in names where name.hasPrefix(prefix + ".") {
            let directory = base + "/" + name
            var info = stat()
            guard lstat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid() else { continue }
            let owner = (try? String(contentsOfFile: directory + "/" + ownerFile, encoding: .utf8))?
                .split(separator: " ").compactMap { Int64($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? []
            if owner.count == 2, let start = startTime(of: Int32(owner[0])), start == owner[1] { continue }  // still running
            // No owner file yet: a directory being created right now; leave young ones alone.
            if owner.count != 2, Date().timeIntervalSince1970 - Double(info.st_mtim.tv_sec) < 60 { continue }
            remove(directory)
        }
    }

    /// Field 22 of /proc/PID/stat (start time in clock ticks since boot): tells a pid reused.
    static func startTime(of pid: Int32) -> Int64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After "comm)": state is field 3, so start time (22) is index 19.
        return fields.count > 19 ? Int64(fields[19]) : nil
    }

    /// Writes one injected file. `relativePath` comes from a policy: it must stay inside the
    /// directory (no absolute paths, no "..").
    public func write(relativePath: String, contents: [UInt8]) throws(RuntimeError) {
        let parts = relativePath.split(separator: "/", omittingEmptySubsequences: true)
        guard !relativePath.hasPrefix("/"), !parts.isEmpty, !parts.contains(where: { $0 == ".." || $0 == "." }) else {
            throw RuntimeError(.badFilePath, "injected file path \"\(relativePath)\" must be relative and stay inside the private directory")
        }
        var directory = path
        for part in parts.dropLast() {
            directory += "/" + part
            if mkdir(directory, 0o700) != 0 && errno != EEXIST {
                throw RuntimeError(.privateDirectory, "cannot create \(directory)")
            }
        }
        let target = directory + "/" + parts.last!
        var bytes = contents
        do { try SecretFile.write(&bytes, to: target, existing: .replace) } catch {
            throw RuntimeError(.privateDirectory, "cannot \(error.step) injected file \(relativePath)")
        }
    }

    /// Overwrites every file with zeros before unlinking it (tmpfs pages are freed, but a copy of
    /// a secret should not outlive the job in a reused page), then removes the tree.
    public func remove() {
        Self.remove(path)
    }

    static func remove(_ path: String) {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return }
        for case let relative as String in walker {
            let full = path + "/" + relative
            var info = stat()
            guard lstat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            let fd = open(full, O_WRONLY | O_NOFOLLOW)
            if fd >= 0 {
                let zeros = [UInt8](repeating: 0, count: Int(info.st_size))
                _ = zeros.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                close(fd)
            }
        }
        try? FileManager.default.removeItem(atPath: path)
    }
}
