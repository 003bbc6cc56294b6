import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads a /proc file to its end. /proc files report size 0, and Foundation's file readers return
/// only what fits their first read for them (about 4 KiB of /proc/PID/maps): read(2) in a loop.
enum ProcFile {
    static func bytes(_ path: String, limit: Int = 64 << 20) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while out.count < limit {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { return nil }
            if n == 0 { break }
            out += chunk[0..<n]
        }
        return out
    }

    static func text(_ path: String) -> String? {
        bytes(path).map { String(decoding: $0, as: UTF8.self) }
    }
}
