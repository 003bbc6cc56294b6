import Crypto
import StrongroomCrypto

/// The three keys AEAD_AES_256_CBC_HMAC_SHA256 derives from one 32-byte column encryption key
/// (Microsoft, "Always Encrypted cryptography"):
/// each is HMAC-SHA256(CEK, UTF-16LE("Microsoft SQL Server cell <purpose> key with encryption
/// algorithm:AEAD_AES_256_CBC_HMAC_SHA256 and key length:256")).
///
/// Derive once per CEK and reuse: derivation costs three HMACs, a cell costs one or two.
public struct CellKey: Sendable {
    public static let algorithmName = "AEAD_AES_256_CBC_HMAC_SHA256"
    /// Column encryption keys for this algorithm are 256 bits.
    public static let rootKeyByteCount = 32

    /// AES-256 key for CBC.
    public let encryptionKey: SecretKey
    /// HMAC-SHA256 key for the cell MAC.
    public let macKey: SecretKey
    /// HMAC-SHA256 key that turns a plaintext into its deterministic IV.
    public let ivKey: SecretKey

    // swift-crypto views of the same bytes, built once (SymmetricKey zeroes its storage on release).
    let aesKey: SymmetricKey
    let hmacKey: SymmetricKey
    let ivHMACKey: SymmetricKey

    /// Derives the cell keys from a column encryption key (must be 32 bytes).
    public init(rootKey: SecretKey) throws(AlwaysEncryptedError) {
        guard rootKey.byteCount == Self.rootKeyByteCount else {
            throw AlwaysEncryptedError(
                .invalidKeyLength, "column encryption key must be 32 bytes, got \(rootKey.byteCount)")
        }
        let root = rootKey.withUnsafeBytes { SymmetricKey(data: $0) }
        do {
            encryptionKey = try Self.derive(purpose: "encryption", from: root)
            macKey = try Self.derive(purpose: "MAC", from: root)
            ivKey = try Self.derive(purpose: "IV", from: root)
        } catch {
            throw AlwaysEncryptedError(.internalFailure, "key derivation failed", cause: error)
        }
        aesKey = encryptionKey.withUnsafeBytes { SymmetricKey(data: $0) }
        hmacKey = macKey.withUnsafeBytes { SymmetricKey(data: $0) }
        ivHMACKey = ivKey.withUnsafeBytes { SymmetricKey(data: $0) }
    }

    /// Copies `bytes` (a 32-byte CEK) into zeroing storage and derives from it.
    public init(rootKeyBytes bytes: [UInt8]) throws(AlwaysEncryptedError) {
        guard bytes.count == Self.rootKeyByteCount else {
            throw AlwaysEncryptedError(
                .invalidKeyLength, "column encryption key must be 32 bytes, got \(bytes.count)")
        }
        let root: SecretKey
        do { root = try SecretKey(bytes: bytes) } catch {
            throw AlwaysEncryptedError(.invalidKeyLength, "column encryption key rejected", cause: error)
        }
        try self.init(rootKey: root)
    }

    /// The derivation label for `purpose` ("encryption", "MAC" or "IV"), as UTF-16LE bytes.
    static func label(purpose: String) -> [UInt8] {
        let text = "Microsoft SQL Server cell \(purpose) key with encryption algorithm:"
            + "\(algorithmName) and key length:256"
        return utf16LittleEndian(text)
    }

    private static func derive(purpose: String, from root: SymmetricKey) throws -> SecretKey {
        let code = HMAC<SHA256>.authenticationCode(for: label(purpose: purpose), using: root)
        return try code.withUnsafeBytes { try SecretKey(rawBytes: $0) }
    }
}

/// UTF-16LE code units of `text` (no BOM), the way SQL Server stores nvarchar and key paths.
func utf16LittleEndian(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf16.count * 2)
    for unit in text.utf16 {
        bytes.append(UInt8(truncatingIfNeeded: unit))
        bytes.append(UInt8(truncatingIfNeeded: unit >> 8))
    }
    return bytes
}
