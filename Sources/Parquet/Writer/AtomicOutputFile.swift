#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrongroomCrypto

/// A file that appears at its path only when complete: bytes go to `<path>.tmp-<random>` in the
/// same directory, `commit()` syncs and renames it into place; anything else (an error, `abort()`,
/// or dropping the object) removes the temporary file.
final class AtomicOutputFile {
    let path: String
    let temporaryPath: String
    private var descriptor: Int32
    private(set) var position: Int64 = 0
    private var buffer: [UInt8] = []
    private static let bufferLimit = 1 << 20

    init(path: String) throws {
        let suffix = SecureRandom.bytes(count: 6).map { b in
            let hex = Array("0123456789abcdef")
            return String(hex[Int(b >> 4)]) + String(hex[Int(b & 15)])
        }.joined()
        self.path = path
        self.temporaryPath = "\(path).tmp-\(suffix)"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ParquetError(.io, "cannot create '\(temporaryPath)': \(String(cString: strerror(errno)))")
        }
        buffer.reserveCapacity(Self.bufferLimit)
    }

    deinit { abort() }

    func write(_ bytes: [UInt8]) throws {
        guard descriptor >= 0 else { throw ParquetError(.io, "'\(path)': the output file is closed") }
        position += Int64(bytes.count)
        if buffer.count + bytes.count <= Self.bufferLimit {
            buffer.append(contentsOf: bytes)
            return
        }
        try flushBuffer()
        if bytes.count >= Self.bufferLimit {
            try bytes.withUnsafeBytes { try writeAll($0) }
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    private func flushBuffer() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = systemWrite(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw ParquetError(.io, "writing '\(temporaryPath)' failed: \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }

    /// Flushes, syncs and renames the file into place.
    func commit() throws {
        try flushBuffer()
        guard fsync(descriptor) == 0 else {
            throw ParquetError(.io, "syncing '\(temporaryPath)' failed: \(String(cString: strerror(errno)))")
        }
        guard close(descriptor) == 0 else {
            descriptor = -1
            throw ParquetError(.io, "closing '\(temporaryPath)' failed: \(String(cString: strerror(errno)))")
        }
        descriptor = -1
        guard rename(temporaryPath, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw ParquetError(.io, "renaming '\(temporaryPath)' to '\(path)' failed: \(message)")
        }
    }

    /// Drops the temporary file (idempotent; nothing happens after a commit).
    func abort() {
        buffer = []
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
            unlink(temporaryPath)
        }
    }
}

private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, bytes, count)
    #else
    Darwin.write(fd, bytes, count)
    #endif
}
