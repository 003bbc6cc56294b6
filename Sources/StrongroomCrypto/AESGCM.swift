#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// AES-GCM (NIST SP 800-38D) with an explicit 12-byte nonce and a 16-byte tag, over OpenSSL's
/// EVP interface (`EVPCipher`), reading and writing the caller's buffers without copies.
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
        guard nonce.count == nonceByteCount else {
            throw CryptoError(.invalidParameter, "GCM nonce must be 12 bytes, got \(nonce.count)")
        }
        let ciphertext = UnsafeMutableRawBufferPointer(rebasing: output[0..<plaintext.count])
        let tag = UnsafeMutableRawBufferPointer(rebasing: output[plaintext.count...])
        try EVPCipher.gcm(encrypt: true, key: key, nonce: nonce, aad: aad, input: plaintext, output: ciphertext, tag: tag)
    }

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
        guard nonce.count == nonceByteCount else {
            throw CryptoError(.invalidParameter, "GCM nonce must be 12 bytes, got \(nonce.count)")
        }
        var tagCopy = [UInt8](tag)
        try tagCopy.withUnsafeMutableBytes { t in
            try EVPCipher.gcm(encrypt: false, key: key, nonce: nonce, aad: aad, input: ciphertext, output: output, tag: t)
        }
    }

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
        guard nonce.count == nonceByteCount else {
            throw CryptoError(.invalidParameter, "GCM nonce must be 12 bytes, got \(nonce.count)")
        }
        // The ciphertext is computed and discarded (zeroed): it is a copy of data that may be secret.
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
        defer { zeroize(&ciphertext) }
        var tag = [UInt8](repeating: 0, count: tagByteCount)
        try ciphertext.withUnsafeMutableBytes { c in
            try tag.withUnsafeMutableBytes { t in
                try EVPCipher.gcm(encrypt: true, key: key, nonce: nonce, aad: aad, input: plaintext, output: c, tag: t)
            }
        }
        return tag
    }
}
