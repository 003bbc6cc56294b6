import StrongroomCrypto
import Synchronization

/// Finds and decodes the footer: plaintext (PAR1), plaintext with a signature (PAR1 +
/// encryption_algorithm), or encrypted (PARE).
struct FooterReader {
    let source: FileSource
    let options: ParquetReadOptions

    struct Footer {
        var metadata: FileMetaData
        var encryption: FileEncryptionInfo?
        var decryptor: FileDecryptor?
    }

    static let plainMagic: [UInt8] = Array("PAR1".utf8)
    static let encryptedMagic: [UInt8] = Array("PARE".utf8)

    func read() throws -> Footer {
        let path = source.path
        guard source.size >= 12 else {
            throw ParquetError(.truncated, "\(path): \(source.size) bytes is too small for a Parquet file")
        }
        let head = try source.read(offset: 0, count: 4, what: "\(path): header magic")
        let tail = try source.read(offset: source.size - 8, count: 8, what: "\(path): footer length")
        let magic = Array(tail[4..<8])
        guard magic == Self.plainMagic || magic == Self.encryptedMagic else {
            throw ParquetError(.malformed, "\(path): not a Parquet file (no PAR1/PARE magic at the end)")
        }
        guard head == magic else {
            throw ParquetError(.malformed, "\(path): header magic does not match the footer magic")
        }
        let footerLength = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        guard footerLength > 0, footerLength <= source.size - 12 else {
            throw ParquetError(.malformed, "\(path): footer length \(footerLength) does not fit the file (\(source.size) bytes)")
        }
        let footer = try source.read(offset: source.size - 8 - footerLength, count: footerLength, what: "\(path): footer")
        do {
            if magic == Self.encryptedMagic {
                return try readEncrypted(footer)
            }
            return try readPlain(footer)
        } catch let error as ParquetError {
            throw ParquetError(error.code, "\(path): \(error.message)", cause: error.cause)
        }
    }

    private func readPlain(_ footer: [UInt8]) throws -> Footer {
        let (metadata, length) = try footer.withUnsafeBytes { try FileMetaData.decode(from: $0) }
        guard let algorithm = metadata.encryptionAlgorithm else {
            return Footer(metadata: metadata, encryption: nil, decryptor: nil)
        }
        // Plaintext footer of an encrypted file: nonce and tag follow the serialized metadata.
        guard footer.count - length == 28 else {
            throw ParquetError(.malformed, "plaintext footer signature is \(footer.count - length) bytes, expected 28")
        }
        let decryptor = try FileDecryptor(algorithm: algorithm, options: options,
                                          footerKeyMetadata: metadata.footerSigningKeyMetadata)
        var verified = false
        if let key = try decryptor.footerKeyIfAvailable() {
            try PMEBridge.verifyFooterSignature(
                footer: Array(footer[0..<length]), signature: Array(footer[length...]),
                key: key, fileAAD: decryptor.fileAAD)
            verified = true
        }
        let info = FileEncryptionInfo(algorithm: algorithm, footerEncrypted: false,
                                      footerKeyMetadata: metadata.footerSigningKeyMetadata,
                                      footerSignatureVerified: verified)
        return Footer(metadata: metadata, encryption: info, decryptor: decryptor)
    }

    private func readEncrypted(_ footer: [UInt8]) throws -> Footer {
        let (crypto, length) = try footer.withUnsafeBytes { try FileCryptoMetaData.decode(from: $0) }
        let decryptor = try FileDecryptor(algorithm: crypto.encryptionAlgorithm, options: options,
                                          footerKeyMetadata: crypto.keyMetadata)
        guard let key = try decryptor.footerKeyIfAvailable() else {
            throw ParquetError(.missingKey, "the footer is encrypted with key \(KeyMetadataText.describe(crypto.keyMetadata)), which was not given")
        }
        var position = length
        let plain = try PMEBridge.decryptModule(
            footer, at: &position, algorithm: crypto.encryptionAlgorithm, key: key, module: .footer,
            fileAAD: decryptor.fileAAD, rowGroup: nil, column: nil, page: nil,
            context: "footer (key \(KeyMetadataText.describe(crypto.keyMetadata)))")
        let (metadata, _) = try plain.withUnsafeBytes { try FileMetaData.decode(from: $0) }
        let info = FileEncryptionInfo(algorithm: crypto.encryptionAlgorithm, footerEncrypted: true,
                                      footerKeyMetadata: crypto.keyMetadata, footerSignatureVerified: true)
        return Footer(metadata: metadata, encryption: info, decryptor: decryptor)
    }
}

/// Human-readable key identity for messages: the key id or the master key id of key material.
/// Never the key itself.
public enum KeyMetadataText {
    public static func describe(_ metadata: [UInt8]?) -> String {
        guard let metadata, !metadata.isEmpty else { return "(no key metadata)" }
        if KeyMetadata.isKeyMaterialJSON(metadata) {
            switch try? KeyMetadata(bytes: metadata) {
            case .internalMaterial(let material)?: return "'\(material.masterKeyID)' (key material)"
            case .externalReference(let reference)?: return "'\(reference)' (external key material)"
            case nil: return "(unreadable key material)"
            }
        }
        if let text = String(validating: metadata, as: UTF8.self),
           text.count <= 64, text.allSatisfy({ $0.isASCII && !$0.isNewline }) {
            return "'\(text)'"
        }
        return "(\(metadata.count)-byte key metadata)"
    }
}

/// Key resolution and AAD state for reading one encrypted file.
final class FileDecryptor: Sendable {
    let algorithm: EncryptionAlgorithm
    let fileAAD: [UInt8]
    let provider: (any ParquetKeyProvider)?
    let footerKeyMetadata: [UInt8]?

    init(algorithm: EncryptionAlgorithm, options: ParquetReadOptions, footerKeyMetadata: [UInt8]?) throws {
        self.algorithm = algorithm
        self.provider = options.keys
        self.footerKeyMetadata = footerKeyMetadata
        let prefix: [UInt8]
        if let stored = algorithm.aadPrefix {
            if let supplied = options.aadPrefix, supplied != stored {
                throw ParquetError(.invalidArgument, "the supplied AAD prefix differs from the one stored in the file")
            }
            prefix = stored
        } else if algorithm.supplyAadPrefix {
            guard let supplied = options.aadPrefix else {
                throw ParquetError(.missingKey, "the file was written with an AAD prefix that is not stored in it; supply it (--aad-prefix)")
            }
            prefix = supplied
        } else {
            prefix = options.aadPrefix ?? []
        }
        self.fileAAD = prefix + (algorithm.aadFileUnique ?? [])
    }

    /// Unwrapped keys by key metadata: unwrapping key material costs JSON parsing and two AES
    /// operations, and every column chunk of every row group asks again.
    private let resolvedKeys = Mutex<[KeyCacheEntry: SecretKey]>([:])

    private struct KeyCacheEntry: Hashable {
        var metadata: [UInt8]?
        var column: [String]?
    }

    private func cachedKey(for metadata: [UInt8]?, column: [String]?) throws -> SecretKey? {
        guard let provider else { return nil }
        let entry = KeyCacheEntry(metadata: metadata, column: column)
        if let key = resolvedKeys.withLock({ $0[entry] }) { return key }
        guard let key = try provider.keyIfAvailable(for: metadata, column: column) else { return nil }
        resolvedKeys.withLock { $0[entry] = key }
        return key
    }

    func footerKeyIfAvailable() throws -> SecretKey? {
        try cachedKey(for: footerKeyMetadata, column: nil)
    }

    func columnCrypto(for chunk: ColumnChunk, descriptor: ColumnDescriptor, rowGroup: Int, rowGroupOrdinal: Int16?,
                      column: Int) throws -> ColumnCrypto {
        guard let crypto = chunk.cryptoMetadata else {
            throw ParquetError(.malformed, "column '\(descriptor.dottedPath)' has no crypto metadata")
        }
        let key: SecretKey
        switch crypto {
        case .footerKey:
            guard let footerKey = try footerKeyIfAvailable() else {
                throw ParquetError(.missingKey, "column '\(descriptor.dottedPath)' is encrypted with the footer key \(KeyMetadataText.describe(footerKeyMetadata)), which was not given")
            }
            key = footerKey
        case .columnKey(let path, let keyMetadata):
            guard let columnKey = try cachedKey(for: keyMetadata, column: path) else {
                throw ParquetError(.missingKey, "column '\(descriptor.dottedPath)' is encrypted with key \(KeyMetadataText.describe(keyMetadata)), which was not given")
            }
            key = columnKey
        }
        guard rowGroup <= Int(Int16.max), column <= Int(Int16.max) else {
            throw ParquetError(.unsupported, "encrypted files support at most 32767 row groups and columns")
        }
        // Like parquet-cpp, the module AADs use the row group's own ordinal when the file states it.
        let ordinal = rowGroupOrdinal.map(Int.init) ?? rowGroup
        return ColumnCrypto(algorithm: algorithm, key: key, fileAAD: fileAAD, rowGroup: ordinal, column: column)
    }
}

/// Decrypts the modules of one column chunk.
struct ColumnCrypto: Sendable {
    let algorithm: EncryptionAlgorithm
    let key: SecretKey
    let fileAAD: [UInt8]
    let rowGroup: Int
    let column: Int

    func decryptModule(_ bytes: [UInt8], at position: inout Int, module: ModuleType, pageOrdinal: Int?,
                       context: String) throws -> [UInt8] {
        try PMEBridge.decryptModule(bytes, at: &position, algorithm: algorithm, key: key, module: module,
                                    fileAAD: fileAAD, rowGroup: rowGroup, column: column, page: pageOrdinal,
                                    context: context)
    }

    func decryptColumnMetaData(_ bytes: [UInt8], context: String) throws -> ColumnMetaData {
        var position = 0
        let plain = try decryptModule(bytes, at: &position, module: .columnMetaData, pageOrdinal: nil,
                                      context: "\(context): column metadata")
        return try plain.withUnsafeBytes { try ColumnMetaData.decode(from: $0).0 }
    }
}
