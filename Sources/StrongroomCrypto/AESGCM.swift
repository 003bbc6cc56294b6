import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// AES-GCM (NIST SP 800-38D) with an explicit 12-byte nonce and a 16-byte tag, over BoringSSL
/// via swift-crypto.
///
/// swift-crypto offers no in-place API, so each call costs one copy of the result out of its
/// `Data` into the caller's buffer (memcpy speed, far above the cipher's). Inputs are passed
/// without copying.
public enum AESGCM {
    public static let nonceByteCount = 12
    public static let tagByteCount = 16

    /// Encrypts `plaintext` and writes ciphertext ‖ tag into `output`
    /// (`output.count` must be `plaintext.count + 16`).
    public static func seal(
        _ plaintext: UnsafeRawBufferPointer,
        key: SecretKey,
        nonce: UnsafeRawBufferPointer,
        aad: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer
    ) throws {
        guard output.count == plaintext.count + tagByteCount else {
            throw CryptoError(.invalidParameter, "GCM output buffer must be plaintext + 16 bytes")
        }
        let gcmNonce = try makeNonce(nonce)
        let box: AES.GCM.SealedBox
        do {
            box = try AES.GCM.seal(plaintext, using: key.symmetricKey(), nonce: gcmNonce, authenticating: aad)
        } catch {
            throw CryptoError(.internalFailure, "AES-GCM seal failed")
        }
        // The 12-byte nonce makes `combined` available: nonce ‖ ciphertext ‖ tag.
        guard let combined = box.combined, combined.count == nonceByteCount + output.count else {
            throw CryptoError(.internalFailure, "AES-GCM produced an unexpected length")
        }
        combined.withUnsafeBytes { c in
            output.copyMemory(from: UnsafeRawBufferPointer(rebasing: c[nonceByteCount...]))
        }
    }

    /// Encrypts and returns ciphertext ‖ tag.
    public static func seal(_ plaintext: [UInt8], key: SecretKey, nonce: [UInt8], aad: [UInt8] = []) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: plaintext.count + tagByteCount)
        try plaintext.withUnsafeBytes { p in
            try nonce.withUnsafeBytes { n in
                try aad.withUnsafeBytes { a in
                    try output.withUnsafeMutableBytes { o in try seal(p, key: key, nonce: n, aad: a, into: o) }
                }
            }
        }
        return output
    }

    /// Verifies the tag and writes the plaintext into `output` (`output.count == ciphertext.count`).
    /// Throws `.authenticationFailed` for a wrong key, wrong AAD or any changed byte; `output`
    /// is then left zeroed.
    public static func open(
        ciphertext: UnsafeRawBufferPointer,
        tag: UnsafeRawBufferPointer,
        key: SecretKey,
        nonce: UnsafeRawBufferPointer,
        aad: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer
    ) throws {
        guard tag.count == tagByteCount else {
            throw CryptoError(.invalidParameter, "GCM tag must be 16 bytes, got \(tag.count)")
        }
        guard output.count == ciphertext.count else {
            throw CryptoError(.invalidParameter, "GCM output buffer must match the ciphertext length")
        }
        let gcmNonce = try makeNonce(nonce)
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(nonce: gcmNonce, ciphertext: ciphertext, tag: tag)
            plaintext = try AES.GCM.open(box, using: key.symmetricKey(), authenticating: aad)
        } catch {
            zeroize(output)
            throw CryptoError(.authenticationFailed, "AES-GCM tag verification failed")
        }
        guard plaintext.count == output.count else {
            throw CryptoError(.internalFailure, "AES-GCM produced an unexpected length")
        }
        plaintext.withUnsafeBytes { output.copyMemory(from: $0) }
    }

    /// Opens ciphertext ‖ tag and returns the plaintext.
    public static func open(_ ciphertextAndTag: [UInt8], key: SecretKey, nonce: [UInt8], aad: [UInt8] = []) throws -> [UInt8] {
        guard ciphertextAndTag.count >= tagByteCount else {
            throw CryptoError(.invalidParameter, "GCM input shorter than its 16-byte tag")
        }
        let n = ciphertextAndTag.count - tagByteCount
        var output = [UInt8](repeating: 0, count: n)
        try ciphertextAndTag.withUnsafeBytes { all in
            try nonce.withUnsafeBytes { nb in
                try aad.withUnsafeBytes { a in
                    try output.withUnsafeMutableBytes { o in
                        try open(ciphertext: UnsafeRawBufferPointer(rebasing: all[..<n]),
                                 tag: UnsafeRawBufferPointer(rebasing: all[n...]),
                                 key: key, nonce: nb, aad: a, into: o)
                    }
                }
            }
        }
        return output
    }

    /// The 16-byte tag alone (plaintext-footer signatures: only nonce and tag are stored).
    public static func tag(
        of plaintext: UnsafeRawBufferPointer,
        key: SecretKey,
        nonce: UnsafeRawBufferPointer,
        aad: UnsafeRawBufferPointer
    ) throws -> [UInt8] {
        let gcmNonce = try makeNonce(nonce)
        do {
            let box = try AES.GCM.seal(plaintext, using: key.symmetricKey(), nonce: gcmNonce, authenticating: aad)
            return Array(box.tag)
        } catch {
            throw CryptoError(.internalFailure, "AES-GCM seal failed")
        }
    }

    private static func makeNonce(_ bytes: UnsafeRawBufferPointer) throws -> AES.GCM.Nonce {
        guard bytes.count == nonceByteCount else {
            throw CryptoError(.invalidParameter, "GCM nonce must be 12 bytes, got \(bytes.count)")
        }
        do { return try AES.GCM.Nonce(data: bytes) } catch {
            throw CryptoError(.invalidParameter, "GCM nonce rejected")
        }
    }
}
