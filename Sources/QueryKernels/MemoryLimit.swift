#if canImport(Glibc)
import Glibc
#endif

/// How much memory a query may hold: a number of bytes written as people write them
/// (`4GB`, `512MiB`, `2g`, `1000000`), or by default a share of what the machine — or the
/// container's cgroup, as in Kubernetes — allows.
public struct MemoryLimit: Sendable, Equatable, CustomStringConvertible {
    public let bytes: Int
    /// How the limit came about, for the error a query over it gets.
    public let origin: String

    public init(bytes: Int, origin: String = "--memory-limit") {
        self.bytes = bytes
        self.origin = origin
    }

    /// The default: 80 % of the physical memory or of the cgroup's limit, whichever is smaller
    /// (DuckDB's default share).
    public static var `default`: MemoryLimit {
        let available = min(physicalMemory(), cgroupLimit() ?? .max)
        return MemoryLimit(bytes: available / 10 * 8, origin: "the default memory limit (80% of this machine's memory; set --memory-limit)")
    }

    /// Units as DuckDB reads them: KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB of 1024; a
    /// bare number is bytes; case and a space before the unit do not matter.
    public init?(_ text: String) {
        let lowered = trimmed(Substring(text.lowercased()))
        let digits = lowered.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed(lowered.dropFirst(digits.count))
        guard let amount = Double(digits), amount > 0 else { return nil }
        let multipliers: [String: Double] = [
            "": 1, "b": 1, "bytes": 1, "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
            "kib": 1024, "mib": 1_048_576, "gib": 1_073_741_824, "tib": 1_099_511_627_776,
        ]
        guard let multiplier = multipliers[String(unit)], amount * multiplier < Double(Int.max) else { return nil }
        self.init(bytes: Int(amount * multiplier))
    }

    /// `4.0 GB`-style text (powers of 1000, as the units are read).
    public var description: String { Self.text(bytes) }

    public static func text(_ bytes: Int) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB"]
        var value = Double(bytes), index = 0
        while value >= 1000, index < units.count - 1 { value /= 1000; index += 1 }
        if index == 0 { return "\(bytes) bytes" }
        let rounded = (value * 10).rounded() / 10
        return "\(rounded) \(units[index])"
    }

    static func physicalMemory() -> Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        return pages > 0 && size > 0 ? pages * size : .max
    }

    /// cgroup v2 `memory.max`, or v1 `memory.limit_in_bytes`; nil when unlimited or absent.
    static func cgroupLimit() -> Int? {
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            guard let text = readSmallFile(path), let value = Int(trimmed(Substring(text))), value > 0,
                  value < 1 << 60 else { continue }
            return value
        }
        return nil
    }

    private static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
    }
}

private func trimmed(_ text: Substring) -> Substring {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" }
    guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else { return "" }
    return text[first...last]
}
