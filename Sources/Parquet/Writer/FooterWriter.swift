/// Serializes the file tail: plaintext footer (PAR1), signed plaintext footer of an encrypted
/// file (PAR1, footer ‖ nonce ‖ tag), or FileCryptoMetaData ‖ encrypted footer (PARE).
enum FooterWriter {
    static let plainMagic: [UInt8] = Array("PAR1".utf8)
    static let encryptedMagic: [UInt8] = Array("PARE".utf8)

    static func headerMagic(encryption: FileEncryptionPlan?) -> [UInt8] {
        guard let encryption, !encryption.config.plaintextFooter else { return plainMagic }
        return encryptedMagic
    }

    /// Everything after the last column chunk: footer, its length and the magic.
    static func tail(metadata: FileMetaData, encryption: FileEncryptionPlan?) throws -> [UInt8] {
        var metadata = metadata
        var footer: [UInt8]
        var magic = plainMagic
        if let encryption {
            if encryption.config.plaintextFooter {
                metadata.encryptionAlgorithm = encryption.algorithm
                metadata.footerSigningKeyMetadata = encryption.config.footerKey.keyMetadata
                footer = metadata.serialized()
                footer += try FooterSignature.sign(footer: footer, key: encryption.config.footerKey.key,
                                                   fileAAD: encryption.fileAAD)
            } else {
                footer = FileCryptoMetaData(encryptionAlgorithm: encryption.algorithm,
                                            keyMetadata: encryption.config.footerKey.keyMetadata).serialized()
                footer += try encryption.footerEncryptor.encrypt(metadata.serialized(), module: .footer)
                magic = encryptedMagic
            }
        } else {
            footer = metadata.serialized()
        }
        guard footer.count <= Int(UInt32.max) else {
            throw ParquetError(.invalidArgument, "footer of \(footer.count) bytes is too large")
        }
        var out = footer
        ByteSink.appendUInt32LE(UInt32(footer.count), to: &out)
        out += magic
        return out
    }
}
