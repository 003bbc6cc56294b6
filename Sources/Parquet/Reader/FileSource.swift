#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random access to a file with positional reads, so several threads can read row groups
/// of the same file at once.
public final class FileSource: Sendable {
    public let path: String
    public let size: Int
    private let descriptor: Int32

    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ParquetError(.io, "cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw ParquetError(.io, "cannot stat '\(path)': \(message)")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw ParquetError(.io, "'\(path)' is a directory")
        }
        self.path = path
        self.size = Int(info.st_size)
        self.descriptor = fd
    }

    deinit { close(descriptor) }

    /// Reads `count` bytes at `offset`; the range must lie inside the file.
    public func read(offset: Int, count: Int, what: @autoclosure () -> String) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw ParquetError(.truncated, "\(what()): byte range \(offset)+\(count) lies outside the file (\(size) bytes)")
        }
        if count == 0 { return [] }
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let n = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ParquetError(.io, "read of '\(path)' failed: \(String(cString: strerror(errno)))")
                }
                if n == 0 { throw ParquetError(.truncated, "\(what()): file ended early") }
                done += n
            }
            initialized = count
        }
    }
}
