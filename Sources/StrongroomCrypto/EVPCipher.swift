import COpenSSL

/// AES-GCM and AES-CTR through OpenSSL's EVP interface, reading and writing caller memory
/// directly (no intermediate copies). Keys are passed for the duration of one call; the
/// context is freed (and cleansed by OpenSSL) before returning.
enum EVPCipher {
    /// Ciphers fetched once: OpenSSL 3 resolves `EVP_aes_*()` by an implicit fetch under a
    /// global lock on every init, which serialized parallel page decryption.
    private static let ciphers = FetchedCiphers()

    static func gcmCipher(keyBytes: Int) -> OpaquePointer? {
        switch keyBytes {
        case 16: ciphers.gcm128.pointer
        case 24: ciphers.gcm192.pointer
        case 32: ciphers.gcm256.pointer
        default: nil
        }
    }

    static func ctrCipher(keyBytes: Int) -> OpaquePointer? {
        switch keyBytes {
        case 16: ciphers.ctr128.pointer
        case 24: ciphers.ctr192.pointer
        case 32: ciphers.ctr256.pointer
        default: nil
        }
    }

    /// Encrypts (`encrypt: true`) or decrypts with GCM; on decrypt, `tag` is checked and a
    /// mismatch throws `.authenticationFailed`; on encrypt, `tag` receives the tag.
    static func gcm(encrypt: Bool, key: SecretKey, nonce: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer,
                    input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer,
                    tag: UnsafeMutableRawBufferPointer) throws {
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError(.internalFailure, "EVP context allocation failed") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        try key.withUnsafeBytes { keyBytes in
            guard let cipher = gcmCipher(keyBytes: keyBytes.count) else {
                throw CryptoError(.invalidKeyLength, "AES key must be 16, 24 or 32 bytes")
            }
            let k = keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let n = nonce.baseAddress!.assumingMemoryBound(to: UInt8.self)
            // The 12-byte IV is GCM's default length.
            let ok = EVP_CipherInit_ex(ctx, cipher, nil, k, n, encrypt ? 1 : 0)
            guard ok == 1 else { throw CryptoError(.internalFailure, "AES-GCM init failed") }
        }
        var written: Int32 = 0
        if !aad.isEmpty {
            guard EVP_CipherUpdate(ctx, nil, &written, aad.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(aad.count)) == 1 else {
                throw CryptoError(.internalFailure, "AES-GCM AAD failed")
            }
        }
        try update(ctx, input: input, output: output, what: "AES-GCM")
        if !encrypt {
            guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag.baseAddress) == 1 else {
                throw CryptoError(.internalFailure, "AES-GCM tag setup failed")
            }
        }
        var scratch = [UInt8](repeating: 0, count: 32)
        let final = scratch.withUnsafeMutableBufferPointer { EVP_CipherFinal_ex(ctx, $0.baseAddress, &written) }
        if !encrypt && final != 1 {
            zeroize(output)
            throw CryptoError(.authenticationFailed, "AES-GCM tag verification failed")
        }
        guard final == 1 else { throw CryptoError(.internalFailure, "AES-GCM final failed") }
        if encrypt {
            guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag.baseAddress) == 1 else {
                throw CryptoError(.internalFailure, "AES-GCM tag read failed")
            }
        }
    }

    /// CTR with a full 16-byte initial counter block.
    static func ctr(key: SecretKey, counterBlock: UnsafeRawBufferPointer, input: UnsafeRawBufferPointer,
                    output: UnsafeMutableRawBufferPointer) throws {
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError(.internalFailure, "EVP context allocation failed") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        try key.withUnsafeBytes { keyBytes in
            guard let cipher = ctrCipher(keyBytes: keyBytes.count) else {
                throw CryptoError(.invalidKeyLength, "AES key must be 16, 24 or 32 bytes")
            }
            let ok = EVP_CipherInit_ex(ctx, cipher, nil, keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                       counterBlock.baseAddress!.assumingMemoryBound(to: UInt8.self), 1)
            guard ok == 1 else { throw CryptoError(.internalFailure, "AES-CTR init failed") }
        }
        try update(ctx, input: input, output: output, what: "AES-CTR")
    }

    /// EVP_CipherUpdate takes Int32 lengths: large inputs go in 1 GiB steps.
    private static func update(_ ctx: OpaquePointer, input: UnsafeRawBufferPointer,
                               output: UnsafeMutableRawBufferPointer, what: String) throws {
        var offset = 0
        let step = 1 << 30
        while offset < input.count {
            let n = min(step, input.count - offset)
            var written: Int32 = 0
            let ok = EVP_CipherUpdate(ctx, output.baseAddress!.advanced(by: offset).assumingMemoryBound(to: UInt8.self), &written,
                                      input.baseAddress!.advanced(by: offset).assumingMemoryBound(to: UInt8.self), Int32(n))
            guard ok == 1, Int(written) == n else { throw CryptoError(.internalFailure, "\(what) update failed") }
            offset += n
        }
    }
}

/// An EVP_CIPHER fetched from the default provider; never freed (process lifetime).
struct FetchedCipher: @unchecked Sendable {  // EVP_CIPHER objects are immutable and thread-safe once fetched
    let pointer: OpaquePointer?
    init(_ name: String) { pointer = EVP_CIPHER_fetch(nil, name, nil) }
}

struct FetchedCiphers: Sendable {
    let gcm128 = FetchedCipher("AES-128-GCM"), gcm192 = FetchedCipher("AES-192-GCM"), gcm256 = FetchedCipher("AES-256-GCM")
    let ctr128 = FetchedCipher("AES-128-CTR"), ctr192 = FetchedCipher("AES-192-CTR"), ctr256 = FetchedCipher("AES-256-CTR")
}
