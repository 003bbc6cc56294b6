import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension AttestationErrorCode {
    /// The platform could not produce evidence (no configfs-tsm, a racing writer, an I/O error).
    public static let evidenceUnavailable = AttestationErrorCode("evidence_unavailable")
}

/// Evidence from the Linux configfs-tsm report interface (SEV-SNP and TDX guests):
/// `<root>/<entry>/{inblob, outblob, provider, generation, auxblob}`.
///
/// Per report: create (or reuse) an entry directory, write the 64 report-data bytes to
/// `inblob`, read `generation`, read `outblob` (the kernel produces the report on this read)
/// and `provider`, then read `generation` again. The kernel bumps `generation` on every write,
/// so a change means another process wrote the entry in between and the outblob may carry its
/// report data: the exchange is retried, then refused.
public struct ConfigfsTSM: Sendable {
    public var root: String
    /// Attempts before a generation race is reported as an error.
    public var maxAttempts: Int

    public init(root: String = "/sys/kernel/config/tsm/report", maxAttempts: Int = 3) {
        self.root = root
        self.maxAttempts = maxAttempts
    }

    /// A report over `reportData` in a fresh entry that is removed afterwards.
    public func evidence(reportData: [UInt8]) throws(AttestationError) -> Evidence {
        let entry = "strongroom-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let path = root + "/" + entry
        guard mkdir(path, 0o700) == 0 else {
            throw AttestationError(
                .evidenceUnavailable, "cannot create configfs-tsm entry under \(root) (errno \(errno)); is this a SEV-SNP or TDX guest?")
        }
        // configfs removes an entry with rmdir; its attribute files go with it.
        defer { rmdir(path) }
        return try evidence(reportData: reportData, entryPath: path)
    }

    /// A report over `reportData` in the named entry, created if missing and kept.
    public func evidence(reportData: [UInt8], entry: String) throws(AttestationError) -> Evidence {
        guard !entry.isEmpty, !entry.contains("/"), entry != ".", entry != ".." else {
            throw AttestationError(.evidenceUnavailable, "configfs-tsm entry name must be one path component")
        }
        let path = root + "/" + entry
        if mkdir(path, 0o700) != 0, errno != EEXIST {
            throw AttestationError(.evidenceUnavailable, "cannot create configfs-tsm entry \(path) (errno \(errno))")
        }
        return try evidence(reportData: reportData, entryPath: path)
    }

    private func evidence(reportData: [UInt8], entryPath: String) throws(AttestationError) -> Evidence {
        guard reportData.count == 64 else {
            throw AttestationError(.malformedEvidence, "configfs-tsm inblob takes 64 bytes of report data, got \(reportData.count)")
        }
        for _ in 0..<max(1, maxAttempts) {
            try AttributeFile.write(reportData, to: entryPath + "/inblob")
            let before = try generation(entryPath)
            let outblob = try AttributeFile.read(entryPath + "/outblob", limit: 1 << 20)
            let providerText = try AttributeFile.read(entryPath + "/provider", limit: 256)
            let auxblob = try? AttributeFile.read(entryPath + "/auxblob", limit: 1 << 20)
            let after = try generation(entryPath)
            guard before == after else { continue }
            guard !outblob.isEmpty else {
                throw AttestationError(.evidenceUnavailable, "configfs-tsm outblob at \(entryPath) is empty")
            }
            let provider = String(decoding: providerText, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let kind: TEEKind
            switch provider {
            case "sev_guest": kind = .sevSNP
            case "tdx_guest": kind = .tdx
            default:
                throw AttestationError(.unsupportedKind, "configfs-tsm provider \"\(provider.prefix(64))\" is not sev_guest or tdx_guest")
            }
            var collateral: [String: [UInt8]] = [:]
            // SEV-SNP extended reports put the VCEK/VLEK certificate table here.
            if let auxblob, !auxblob.isEmpty { collateral["auxblob"] = auxblob }
            return Evidence(kind: kind, report: outblob, collateral: collateral)
        }
        throw AttestationError(
            .evidenceUnavailable,
            "configfs-tsm entry \(entryPath): generation changed during \(max(1, maxAttempts)) attempts; another process is writing it")
    }

    private func generation(_ entryPath: String) throws(AttestationError) -> UInt64 {
        let text = String(decoding: try AttributeFile.read(entryPath + "/generation", limit: 64), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard let value = UInt64(text) else {
            throw AttestationError(.evidenceUnavailable, "configfs-tsm generation at \(entryPath) is not a number")
        }
        return value
    }
}

/// Whole-file reads and writes of configfs attributes (one read/write call sequence per file,
/// as configfs binary attributes expect).
enum AttributeFile {
    static func read(_ path: String, limit: Int) throws(AttestationError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw AttestationError(.evidenceUnavailable, "cannot open \(path) (errno \(errno))") }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw AttestationError(.evidenceUnavailable, "cannot read \(path) (errno \(errno))") }
            if n == 0 { return out }
            out += buffer[0..<n]
            guard out.count <= limit else {
                throw AttestationError(.evidenceUnavailable, "\(path) is larger than \(limit) bytes")
            }
        }
    }

    static func write(_ bytes: [UInt8], to path: String) throws(AttestationError) {
        // No O_CREAT: configfs creates the attribute files; a missing one means no TSM here.
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw AttestationError(.evidenceUnavailable, "cannot open \(path) for writing (errno \(errno)); not a configfs-tsm entry?")
        }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw AttestationError(.evidenceUnavailable, "cannot write \(path) (errno \(errno))")
        }
    }
}
