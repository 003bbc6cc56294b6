import Crypto
import Foundation
import StrongroomCrypto

#if canImport(Glibc)
import Glibc
import Support
#endif

/// The node agent's Ed25519 signing key: it signs every `SimulatedReport` the agent issues.
///
/// File form (JSON, mode 0600): `{"private_key": "<base64 32>", "public_key": "ed25519:…"}`.
/// swift-crypto keeps the private key in its own storage; the temporary copies this type
/// makes while reading or writing the file are zeroed.
public struct NodeKey: Sendable {
    private let key: Curve25519.Signing.PrivateKey

    /// A fresh random key.
    public init() {
        key = Curve25519.Signing.PrivateKey()
    }

    public init(privateKeyRaw: [UInt8]) throws(NodeKeyError) {
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: privateKeyRaw) else {
            throw NodeKeyError(.malformedKey, "node private key must be a 32-byte Ed25519 seed")
        }
        self.key = key
    }

    public var publicKey: NodePublicKey {
        // A Curve25519 public key is always 32 valid bytes.
        try! NodePublicKey(raw: [UInt8](key.publicKey.rawRepresentation))
    }

    /// Hex SHA-256 of the raw public key (64 characters).
    public var keyID: String { publicKey.keyID }

    /// Fills `nodeKeyID` and `signature` of `report`.
    public func sign(_ report: SimulatedReport) throws(NodeKeyError) -> SimulatedReport {
        guard report.measurement.count == 48, report.reportData.count == 64 else {
            throw NodeKeyError(
                .invalidReport,
                "simulated report needs a 48-byte measurement and 64-byte report data, got \(report.measurement.count) and \(report.reportData.count)")
        }
        var signed = report
        signed.nodeKeyID = publicKey.keyIDBytes
        // Ed25519 signing with a valid private key does not fail in swift-crypto.
        signed.signature = [UInt8](try! key.signature(for: signed.signedBytes()))
        return signed
    }

    // MARK: File form

    struct FileForm: Codable {
        var private_key: String
        var public_key: String
    }

    public func fileContents() -> [UInt8] {
        var raw = [UInt8](key.rawRepresentation)
        defer { zeroize(&raw) }
        let form = FileForm(private_key: Data(raw).base64EncodedString(), public_key: publicKey.text)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return ((try? encoder.encode(form)).map { [UInt8]($0) } ?? []) + [UInt8(ascii: "\n")]
    }

    /// Writes the key with mode 0600, replacing an existing file (whose mode is reset to 0600).
    public func write(to path: String) throws(NodeKeyError) {
        var bytes = fileContents()
        do { try SecretFile.write(&bytes, to: path, existing: .replace) } catch {
            throw NodeKeyError(.unwritable, "cannot \(error.step) node key file \(path)")
        }
    }

    /// Reads a node key file; refuses one that other users can read or write.
    public static func read(from path: String) throws(NodeKeyError) -> NodeKey {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw NodeKeyError(.unreadable, "cannot open node key file \(path)") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw NodeKeyError(.unreadable, "cannot stat node key file \(path)") }
        guard info.st_mode & 0o077 == 0 else {
            throw NodeKeyError(
                .insecurePermissions,
                "node key file \(path) has mode \(String(info.st_mode & 0o777, radix: 8)); other users may read it (chmod 600)")
        }
        guard info.st_size <= 64 * 1024 else { throw NodeKeyError(.malformedKey, "node key file \(path) is too large") }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        defer { zeroize(&bytes) }
        var filled = 0
        while filled < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            guard n > 0 else { throw NodeKeyError(.unreadable, "cannot read node key file \(path)") }
            filled += n
        }
        return try parse(fileBytes: bytes, path: path)
    }

    static func parse(fileBytes: [UInt8], path: String) throws(NodeKeyError) -> NodeKey {
        guard let form = try? JSONDecoder().decode(FileForm.self, from: Data(fileBytes)) else {
            throw NodeKeyError(.malformedKey, "node key file \(path) is not JSON with private_key and public_key")
        }
        guard var raw = Data(base64Encoded: form.private_key).map({ [UInt8]($0) }) else {
            throw NodeKeyError(.malformedKey, "node key file \(path): private_key is not base64")
        }
        defer { zeroize(&raw) }
        let key = try NodeKey(privateKeyRaw: raw)
        let stated = try NodePublicKey(text: form.public_key)
        guard stated == key.publicKey else {
            throw NodeKeyError(.malformedKey, "node key file \(path): public_key does not belong to private_key")
        }
        return key
    }

    /// Reads the key at `path`, or creates one there (and its directory) if there is none.
    /// The new key is written to a temporary file and hard-linked into place, so a reader
    /// never sees a half-written key and two agents starting at once end up with the same key.
    public static func loadOrCreate(at path: String) throws(NodeKeyError) -> NodeKey {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw NodeKeyError(.unwritable, "cannot create directory \(directory) for node key")
            }
        }
        if FileManager.default.fileExists(atPath: path) { return try read(from: path) }
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw NodeKeyError(.unwritable, "cannot create node key file in \(directory)") }
        defer { unlink(temporary) }
        let key = NodeKey()
        do {
            try writeAll(fd, key.fileContents(), path: path)
            close(fd)
        } catch {
            close(fd)
            throw error
        }
        if link(temporary, path) != 0 {
            guard errno == EEXIST else { throw NodeKeyError(.unwritable, "cannot create node key file \(path)") }
            return try read(from: path)
        }
        return key
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(NodeKeyError) {
        var bytes = bytes
        defer { SecretFile.zero(&bytes) }
        do { try SecretFile.writeAll(fd, bytes) } catch {
            throw NodeKeyError(.unwritable, "cannot write node key file \(path)")
        }
    }
}
