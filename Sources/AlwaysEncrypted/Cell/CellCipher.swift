import Crypto
import _CryptoExtras
import StrongroomCrypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How a column is encrypted; raw values are `sys.columns.encryption_type`.
public enum EncryptionType: Int, Sendable, Hashable, CaseIterable {
    /// IV = HMAC-SHA256(IV key, plaintext)[0..<16]: equal plaintexts give equal cells
    /// (equality lookups, joins, grouping work on ciphertext).
    case deterministic = 1
    /// 16 random IV bytes per cell.
    case randomized = 2
}

/// AEAD_AES_256_CBC_HMAC_SHA256 cells, byte-identical to SQL Server:
///
///     cell = 0x01 ‖ MAC(32) ‖ IV(16) ‖ AES-256-CBC-PKCS7(enc key, IV, plaintext)
///     MAC  = HMAC-SHA256(mac key, 0x01 ‖ IV ‖ ciphertext ‖ 0x01)
///
/// The trailing 0x01 in the MAC input is the byte length of the version field. Decryption
/// verifies the MAC in constant time before touching the ciphertext, so padding errors are
/// never observable for forged cells.
public struct CellCipher: Sendable {
    public static let versionByte: UInt8 = 0x01
    public static let macByteCount = 32
    public static let ivByteCount = 16
    public static let blockByteCount = 16
    static let headerByteCount = 1 + macByteCount + ivByteCount
    /// Smallest valid cell: header plus one AES block (an empty plaintext pads to one block).
    public static let minimumCellByteCount = headerByteCount + blockByteCount

    public let key: CellKey

    public init(key: CellKey) { self.key = key }

    public init(rootKey: SecretKey) throws(AlwaysEncryptedError) {
        self.key = try CellKey(rootKey: rootKey)
    }

    /// Cell length for a plaintext of `count` bytes (PKCS#7 always adds 1...16 bytes).
    public static func cellByteCount(plaintextByteCount count: Int) -> Int {
        headerByteCount + (count / blockByteCount + 1) * blockByteCount
    }

    /// Encrypts one normalized value (see `SQLServerValue.normalized(as:)`).
    public func encrypt(_ plaintext: [UInt8], type: EncryptionType) throws(AlwaysEncryptedError) -> [UInt8] {
        switch type {
        case .deterministic: return try encrypt(plaintext, iv: deterministicIV(for: plaintext))
        case .randomized: return try encrypt(plaintext, iv: SecureRandom.bytes(count: Self.ivByteCount))
        }
    }

    public func encrypt(_ plaintext: [UInt8], deterministic: Bool) throws(AlwaysEncryptedError) -> [UInt8] {
        try encrypt(plaintext, type: deterministic ? .deterministic : .randomized)
    }

    /// Encrypts with a caller-chosen IV: for interop checks against fixed vectors only.
    /// Reusing an IV with randomized encryption makes equal prefixes visible.
    public func encrypt(_ plaintext: [UInt8], iv: [UInt8]) throws(AlwaysEncryptedError) -> [UInt8] {
        guard iv.count == Self.ivByteCount else {
            throw AlwaysEncryptedError(.invalidKeyLength, "IV must be 16 bytes, got \(iv.count)")
        }
        let ciphertext: Data
        do {
            ciphertext = try AES._CBC.encrypt(plaintext, using: key.aesKey, iv: AES._CBC.IV(ivBytes: iv))
        } catch {
            throw AlwaysEncryptedError(.internalFailure, "AES-CBC encryption failed", cause: error)
        }
        var cell = [UInt8]()
        cell.reserveCapacity(Self.headerByteCount + ciphertext.count)
        cell.append(Self.versionByte)
        cell.append(contentsOf: repeatElement(0, count: Self.macByteCount))
        cell.append(contentsOf: iv)
        cell.append(contentsOf: ciphertext)
        let mac = cell.withUnsafeBytes { raw in
            authenticationCode(iv: rebased(raw, 33..<49), ciphertext: rebased(raw, 49..<raw.count))
        }
        mac.withUnsafeBytes { m in
            for i in 0..<Self.macByteCount { cell[1 + i] = m[i] }
        }
        return cell
    }

    /// The IV deterministic encryption uses for `plaintext`.
    public func deterministicIV(for plaintext: [UInt8]) -> [UInt8] {
        let code = HMAC<SHA256>.authenticationCode(for: plaintext, using: key.ivHMACKey)
        return Array(code.prefix(Self.ivByteCount))
    }

    /// Verifies and decrypts one cell. Errors: `.truncated` (shorter than 65 bytes or not a
    /// whole number of blocks), `.unsupportedVersion`, `.authenticationFailed`, `.invalidPadding`.
    public func decrypt(_ cell: [UInt8]) throws(AlwaysEncryptedError) -> [UInt8] {
        let result = cell.withUnsafeBytes { raw in Result { () throws(AlwaysEncryptedError) in try decrypt(raw) } }
        return try result.get()
    }

    public func decrypt(_ cell: UnsafeRawBufferPointer) throws(AlwaysEncryptedError) -> [UInt8] {
        guard !cell.isEmpty else {
            throw AlwaysEncryptedError(.truncated, "cell is empty")
        }
        guard cell[0] == Self.versionByte else {
            throw AlwaysEncryptedError(.unsupportedVersion, "cell version byte is not 0x01")
        }
        guard cell.count >= Self.minimumCellByteCount else {
            throw AlwaysEncryptedError(
                .truncated, "cell has \(cell.count) bytes, at least \(Self.minimumCellByteCount) needed")
        }
        guard (cell.count - Self.headerByteCount) % Self.blockByteCount == 0 else {
            throw AlwaysEncryptedError(.truncated, "cell ciphertext is not a whole number of AES blocks")
        }
        let iv = rebased(cell, 33..<49)
        let ciphertext = rebased(cell, 49..<cell.count)
        let expected = authenticationCode(iv: iv, ciphertext: ciphertext)
        let macMatches = expected.withUnsafeBytes { constantTimeEquals($0, rebased(cell, 1..<33)) }
        guard macMatches else {
            throw AlwaysEncryptedError(.authenticationFailed, "cell MAC does not verify (wrong key or altered cell)")
        }
        do {
            let plaintext = try AES._CBC.decrypt(ciphertext, using: key.aesKey, iv: AES._CBC.IV(ivBytes: iv))
            return Array(plaintext)
        } catch {
            throw AlwaysEncryptedError(.invalidPadding, "cell padding is invalid", cause: error)
        }
    }

    private func authenticationCode(
        iv: UnsafeRawBufferPointer, ciphertext: UnsafeRawBufferPointer
    ) -> HashedAuthenticationCode<SHA256> {
        var hmac = HMAC<SHA256>(key: key.hmacKey)
        withUnsafeBytes(of: Self.versionByte) { hmac.update(data: $0) }
        hmac.update(data: iv)
        hmac.update(data: ciphertext)
        // The version's length in bytes (always 1), appended as SQL Server does.
        withUnsafeBytes(of: UInt8(1)) { hmac.update(data: $0) }
        return hmac.finalize()
    }
}

@inline(__always)
func rebased(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: buffer[range])
}
