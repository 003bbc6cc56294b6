import StrongroomCrypto

/// The reader's use of the Encryption layer: module decryption with AADs, footer signatures,
/// and key lookups that may legitimately find nothing.
enum PMEBridge {
    static func decryptModule(_ bytes: [UInt8], at position: inout Int, algorithm: EncryptionAlgorithm, key: SecretKey,
                              module: ModuleType, fileAAD: [UInt8], rowGroup: Int?, column: Int?, page: Int?,
                              context: String) throws -> [UInt8] {
        let decryptor = ModuleDecryptor(usesCTRForPageData: algorithm.isCTRForPageData, key: key, fileAAD: fileAAD)
        let (plaintext, consumed) = try decryptor.decrypt(bytes, at: position, module: module, rowGroup: rowGroup,
                                                          column: column, page: page, context: context)
        position += consumed
        return plaintext
    }

    static func verifyFooterSignature(footer: [UInt8], signature: [UInt8], key: SecretKey, fileAAD: [UInt8]) throws {
        try footer.withUnsafeBytes { f in
            try signature.withUnsafeBytes { s in
                try FooterSignature.verify(footer: f, signature: s, key: key, fileAAD: fileAAD)
            }
        }
    }
}

extension ParquetKeyProvider {
    /// The key, or nil when the provider does not have it; other failures (a wrong master key,
    /// corrupt key material) still throw.
    func keyIfAvailable(for keyMetadata: [UInt8]?, column: [String]?) throws -> SecretKey? {
        do {
            return try key(for: keyMetadata, column: column)
        } catch let error as ParquetError where error.code == .missingKey {
            return nil
        }
    }
}
