import CASCore
import Crypto
import Foundation
import StrongroomCrypto
import Support

/// Analytics code shipped encrypted (the confidential-Spark pattern's encrypted code): a ustar
/// archive sealed with AES-256-GCM under a fresh data key that a policy's master key wraps in CAS.
/// `strongroom run --code-bundle FILE` hashes the file's bytes into the job, and only after CAS
/// accepted the evidence unwraps the key (the service must list the master key under `unwrap`)
/// and unpacks the code into the private directory.
///
/// File: "SRCB1\n" ‖ u32 BE header length ‖ header (canonical JSON: policy, master_key_id,
/// wrapped_key, nonce) ‖ AES-256-GCM ciphertext ‖ tag(16); AAD = everything before the ciphertext.
public struct CodeBundle: Sendable {
    static let magic = Array("SRCB1\n".utf8)

    public var policy: String
    public var masterKeyID: String
    public var wrappedKey: String
    var nonce: [UInt8]
    var ciphertext: [UInt8]
    var authenticatedPrefix: [UInt8]

    /// Seals `directory` (every file and subdirectory) for `policy`, wrapping the data key with `kms`.
    public static func seal(directory: String, policy: String, masterKeyID: String, kms: any KeyProvider) async throws -> [UInt8] {
        var archive = try Ustar.archive(directory: directory)
        defer { zeroize(&archive) }
        let key = try SecretKey.random(bitCount: 256)
        let wrapped = try await kms.wrap(key, masterKeyID: masterKeyID)
        let nonce = SecureRandom.bytes(count: 12)
        let header: JSONValue = .object([
            "policy": .string(policy), "master_key_id": .string(masterKeyID), "wrapped_key": .string(wrapped),
            "nonce": .string(Data(nonce).base64EncodedString()),
        ])
        let headerBytes = CanonicalJSON.encode(header)
        var length = UInt32(headerBytes.count).bigEndian
        let prefix = magic + withUnsafeBytes(of: &length) { Array($0) } + headerBytes
        let box = try key.withUnsafeBytes { raw in
            try AES.GCM.seal(archive, using: SymmetricKey(data: raw), nonce: AES.GCM.Nonce(data: nonce), authenticating: prefix)
        }
        return prefix + Array(box.ciphertext) + Array(box.tag)
    }

    /// Parses a sealed bundle's framing; nothing is decrypted yet.
    public init(bytes: [UInt8]) throws(RuntimeError) {
        func bad(_ reason: String) -> RuntimeError { RuntimeError(.configuration, "not a Strongroom code bundle: \(reason)") }
        guard bytes.count >= Self.magic.count + 4, Array(bytes.prefix(Self.magic.count)) == Self.magic else { throw bad("no SRCB1 magic") }
        let lengthBytes = bytes[Self.magic.count..<(Self.magic.count + 4)]
        let length = Int(lengthBytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        let headerStart = Self.magic.count + 4
        guard length <= 64 * 1024, headerStart + length + 16 <= bytes.count else { throw bad("header length \(length) does not fit") }
        let headerBytes = Array(bytes[headerStart..<(headerStart + length)])
        guard let object = try? JSONDecoder().decode(JSONValue.self, from: Data(headerBytes)).objectValue,
              let policy = object["policy"]?.stringValue, let masterKeyID = object["master_key_id"]?.stringValue,
              let wrapped = object["wrapped_key"]?.stringValue, let nonceText = object["nonce"]?.stringValue,
              let nonce = Data(base64Encoded: nonceText), nonce.count == 12 else {
            throw bad("the header is not {policy, master_key_id, wrapped_key, nonce}")
        }
        self.policy = policy
        self.masterKeyID = masterKeyID
        self.wrappedKey = wrapped
        self.nonce = [UInt8](nonce)
        self.authenticatedPrefix = Array(bytes[..<(headerStart + length)])
        self.ciphertext = Array(bytes[(headerStart + length)...])
    }

    /// Unwraps the key with `kms` (an attested session's), decrypts and unpacks into `directory`.
    public func unpack(into directory: String, kms: any KeyProvider) async throws -> Int {
        let key = try await kms.unwrap(wrappedKey, masterKeyID: masterKeyID)
        var archive: [UInt8]
        do {
            archive = try key.withUnsafeBytes { raw in
                let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: ciphertext.dropLast(16), tag: ciphertext.suffix(16))
                return [UInt8](try AES.GCM.open(box, using: SymmetricKey(data: raw), authenticating: authenticatedPrefix))
            }
        } catch {
            throw RuntimeError(.configuration, "the code bundle does not decrypt (changed, or sealed for another key)")
        }
        defer { zeroize(&archive) }
        let entries = try Ustar.entries(archive)
        for entry in entries {
            let target = directory + "/" + entry.path
            if entry.isDirectory {
                guard mkdir(target, 0o700) == 0 || errno == EEXIST else { throw RuntimeError(.privateDirectory, "cannot create \(entry.path)") }
                continue
            }
            let parent = (target as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(entry.mode & 0o700))
            guard fd >= 0 else { throw RuntimeError(.privateDirectory, "cannot create \(entry.path) from the code bundle") }
            defer { close(fd) }
            do { try SecretFile.writeAll(fd, entry.contents) } catch {
                throw RuntimeError(.privateDirectory, "cannot write \(entry.path) from the code bundle")
            }
        }
        return entries.count
    }
}

/// A bundle to unpack after attestation, and the session's KMS to unwrap its key.
public struct CodeBundleSource: Sendable {
    public var bundle: CodeBundle
    public var kms: CASKMSClient

    public init(bytes: [UInt8], kms: CASKMSClient) throws(RuntimeError) {
        self.bundle = try CodeBundle(bytes: bytes)
        self.kms = kms
    }
}
