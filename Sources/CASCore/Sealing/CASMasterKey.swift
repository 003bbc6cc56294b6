import Foundation
import StrongroomCrypto
import Support

/// The 32-byte key under which CAS seals everything secret at rest. Held in StrongroomCrypto's
/// zeroing `SecretKey`; written to a 0600 key file as one line of 64 hex digits, or split into
/// Shamir recovery shares.
public struct CASMasterKey: Sendable {
    public static let byteCount = 32
    public let key: SecretKey

    public init(key: SecretKey) throws(CASError) {
        guard key.byteCount == Self.byteCount else {
            throw CASError(.keyFile, "the CAS master key has \(Self.byteCount) bytes, got \(key.byteCount)")
        }
        self.key = key
    }

    /// A fresh key from the system CSPRNG.
    public static func generate() -> CASMasterKey {
        // 256 is a valid AES size, so neither call can fail.
        try! CASMasterKey(key: SecretKey.random(bitCount: 256))
    }

    /// The key from raw bytes (e.g. combined shares); the caller zeroes its copy.
    public init(bytes: [UInt8]) throws(CASError) {
        guard bytes.count == Self.byteCount, let key = try? SecretKey(bytes: bytes) else {
            throw CASError(.keyFile, "the CAS master key has \(Self.byteCount) bytes, got \(bytes.count)")
        }
        self.key = key
    }

    // MARK: Recovery shares

    public func split(shareCount: Int, threshold: Int) throws(CASError) -> [ShamirShare] {
        var bytes = key.withUnsafeBytes { [UInt8]($0) }
        defer { zeroize(&bytes) }
        return try Shamir.split(bytes, threshold: threshold, shareCount: shareCount)
    }

    /// Combines shares; a wrong or foreign share gives a different key, which the sealed check
    /// value then rejects (`Sealer.verifyCheckValue`).
    public static func combine(_ shares: [ShamirShare]) throws(CASError) -> CASMasterKey {
        var bytes = try Shamir.combine(shares)
        defer { zeroize(&bytes) }
        return try CASMasterKey(bytes: bytes)
    }

    // MARK: Key file

    /// Writes the key as 64 hex digits and a newline, creating the file with mode 0600 (never
    /// readable by others in between); an existing file is replaced only if `overwrite`.
    public func write(to path: String, overwrite: Bool = false) throws(CASError) {
        var line = key.withUnsafeBytes { Array(Hex.encode($0).utf8) } + [0x0a]
        do { try SecretFile.write(&line, to: path, existing: overwrite ? .replace : .fail) } catch {
            throw CASError(.keyFile, error.exists ? "master key file \(path) already exists"
                                                  : "cannot \(error.step) master key file \(path)")
        }
    }

    /// Reads a key file written by `write(to:)`. Refuses a file that group or others may read,
    /// like ssh does for private keys: such a key must be considered exposed.
    public static func read(from path: String) throws(CASError) -> CASMasterKey {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CASError(.keyFile, "cannot open master key file \(path)") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw CASError(.keyFile, "cannot stat master key file \(path)") }
        guard info.st_mode & 0o077 == 0 else {
            throw CASError(.keyFile, "master key file \(path) is accessible by group or others (mode must be 0600)")
        }
        var buffer = [UInt8](repeating: 0, count: 256)
        defer { zeroize(&buffer) }
        let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { throw CASError(.keyFile, "master key file \(path) is empty or unreadable") }
        var end = count
        while end > 0, buffer[end - 1] == 0x0a || buffer[end - 1] == 0x0d || buffer[end - 1] == 0x20 { end -= 1 }
        guard end == 2 * byteCount else {
            throw CASError(.keyFile, "master key file \(path) must hold \(2 * byteCount) hex digits")
        }
        guard var bytes = Hex.decode(String(decoding: buffer[..<end], as: UTF8.self)) else {
            throw CASError(.keyFile, "master key file \(path) is not hex")
        }
        defer { zeroize(&bytes) }
        return try CASMasterKey(bytes: bytes)
    }
}
