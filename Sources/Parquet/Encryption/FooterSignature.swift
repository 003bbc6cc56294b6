import StrongroomCrypto

/// Plaintext-footer signing (Encryption.md §5.5): the file stores footer ‖ nonce(12) ‖ tag(16),
/// where tag is the GCM tag of encrypting the footer with the footer key and the footer AAD.
/// Only nonce and tag are stored; the ciphertext is discarded.
public enum FooterSignature {
    public static let byteCount = 28

    /// Produces nonce ‖ tag for `footer` (the serialized FileMetaData). `nonce` is random unless
    /// given (tests).
    public static func sign(footer: [UInt8], key: SecretKey, fileAAD: [UInt8], nonce: [UInt8]? = nil) throws -> [UInt8] {
        let nonce = nonce ?? SecureRandom.bytes(count: AESGCM.nonceByteCount)
        guard nonce.count == AESGCM.nonceByteCount else {
            throw ParquetError(.invalidArgument, "footer signature nonce must be 12 bytes")
        }
        let aad = try ModuleAAD.make(fileAAD: fileAAD, module: .footer)
        let tag: [UInt8]
        do {
            tag = try footer.withUnsafeBytes { f in
                try nonce.withUnsafeBytes { n in
                    try aad.withUnsafeBytes { a in try AESGCM.tag(of: f, key: key, nonce: n, aad: a) }
                }
            }
        } catch let error as CryptoError {
            throw ParquetError(.invalidArgument, "signing the footer failed: \(error.message)", cause: error)
        }
        return nonce + tag
    }

    /// Recomputes the tag over `footer` and compares it in constant time with the stored one.
    /// Throws `.authentication` when the footer was changed or the key is wrong.
    public static func verify(footer: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer, key: SecretKey, fileAAD: [UInt8]) throws {
        guard signature.count == byteCount else {
            throw ParquetError(.malformed, "footer signature must be \(byteCount) bytes, got \(signature.count)")
        }
        let aad = try ModuleAAD.make(fileAAD: fileAAD, module: .footer)
        let expected: [UInt8]
        do {
            expected = try aad.withUnsafeBytes { a in
                try AESGCM.tag(of: footer, key: key, nonce: UnsafeRawBufferPointer(rebasing: signature[0..<12]), aad: a)
            }
        } catch let error as CryptoError {
            throw ParquetError(.malformed, "verifying the footer signature failed: \(error.message)", cause: error)
        }
        let ok = expected.withUnsafeBytes { constantTimeEquals($0, UnsafeRawBufferPointer(rebasing: signature[12..<28])) }
        guard ok else {
            throw ParquetError(.authentication, "plaintext footer signature does not verify: footer tampered or wrong footer key")
        }
    }

    /// Array convenience: `signedFooter` is footer ‖ nonce ‖ tag as it appears in the file.
    public static func verify(signedFooter: [UInt8], key: SecretKey, fileAAD: [UInt8]) throws {
        guard signedFooter.count >= byteCount else {
            throw ParquetError(.truncated, "signed footer of \(signedFooter.count) bytes is shorter than its \(byteCount)-byte signature")
        }
        let split = signedFooter.count - byteCount
        try signedFooter.withUnsafeBytes { all in
            try verify(footer: UnsafeRawBufferPointer(rebasing: all[..<split]),
                       signature: UnsafeRawBufferPointer(rebasing: all[split...]), key: key, fileAAD: fileAAD)
        }
    }
}
