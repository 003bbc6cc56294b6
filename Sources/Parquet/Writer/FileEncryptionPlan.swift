import StrongroomCrypto

/// What one file is encrypted with: the algorithm as stored (with a fresh random
/// aad_file_unique), the file AAD, and the key of each leaf column (Encryption.md §4).
struct FileEncryptionPlan: Sendable {
    let config: ParquetEncryptionConfig
    /// The thrift value written into FileCryptoMetaData or the plaintext footer.
    let algorithm: EncryptionAlgorithm
    let fileAAD: [UInt8]
    let footerEncryptor: ModuleEncryptor
    /// By leaf index; nil for plaintext columns.
    let columns: [ColumnEncryptionPlan?]

    static let fileUniqueByteCount = 8

    init(config: ParquetEncryptionConfig, leafPaths: [[String]]) throws {
        try config.validate()
        self.config = config
        let unique = SecureRandom.bytes(count: Self.fileUniqueByteCount)
        let storedPrefix = config.storeAadPrefix ? config.aadPrefix : nil
        let supply: Bool? = (config.aadPrefix != nil && !config.storeAadPrefix) ? true : nil
        switch config.algorithm {
        case .aesGcmV1: algorithm = .aesGcmV1(aadPrefix: storedPrefix, aadFileUnique: unique, supplyAadPrefix: supply)
        case .aesGcmCtrV1: algorithm = .aesGcmCtrV1(aadPrefix: storedPrefix, aadFileUnique: unique, supplyAadPrefix: supply)
        }
        fileAAD = (config.aadPrefix ?? []) + unique
        let ctr = config.algorithm == .aesGcmCtrV1
        footerEncryptor = ModuleEncryptor(usesCTRForPageData: ctr, key: config.footerKey.key, fileAAD: fileAAD)

        var keyOfLeaf = [ParquetEncryptionConfig.KeyBinding?](repeating: nil, count: leafPaths.count)
        var claimedBy = [String?](repeating: nil, count: leafPaths.count)
        for (name, binding) in config.columnKeys.sorted(by: { $0.key < $1.key }) {
            let components = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            var matched = false
            for (leaf, path) in leafPaths.enumerated()
            where path.joined(separator: ".") == name || path.starts(with: components) {
                if let other = claimedBy[leaf] {
                    throw ParquetError(.invalidArgument, "column '\(path.joined(separator: "."))' is named by two encryption settings ('\(other)' and '\(name)')")
                }
                claimedBy[leaf] = name
                keyOfLeaf[leaf] = binding
                matched = true
            }
            guard matched else {
                throw ParquetError(.invalidArgument, "encrypted column '\(name)' is not in the file schema")
            }
        }
        var columns: [ColumnEncryptionPlan?] = []
        for (leaf, path) in leafPaths.enumerated() {
            if let binding = keyOfLeaf[leaf] {
                columns.append(ColumnEncryptionPlan(
                    encryptor: ModuleEncryptor(usesCTRForPageData: ctr, key: binding.key, fileAAD: fileAAD),
                    cryptoMetadata: .columnKey(pathInSchema: path, keyMetadata: binding.keyMetadata),
                    encryptsColumnMetaData: true))
            } else if config.uniform {
                // parquet-cpp also encrypts footer-key column metadata when the footer is plaintext.
                columns.append(ColumnEncryptionPlan(
                    encryptor: footerEncryptor, cryptoMetadata: .footerKey,
                    encryptsColumnMetaData: config.plaintextFooter))
            } else {
                columns.append(nil)
            }
        }
        self.columns = columns
        if leafPaths.count > Int(Int16.max) + 1 {
            throw ParquetError(.invalidArgument, "encrypted files hold at most 32768 columns, the schema has \(leafPaths.count)")
        }
    }

    /// The ColumnChunk entry for the footer: crypto metadata, and the column metadata either in
    /// the clear, encrypted (encrypted_column_metadata), or both with a redacted clear copy.
    func chunkEntry(_ metadata: ColumnMetaData, leaf: Int, rowGroup: Int) throws -> ColumnChunk {
        guard let plan = columns[leaf] else { return ColumnChunk(fileOffset: 0, metaData: metadata) }
        var chunk = ColumnChunk(fileOffset: 0, metaData: nil)
        chunk.cryptoMetadata = plan.cryptoMetadata
        guard plan.encryptsColumnMetaData else {
            chunk.metaData = metadata
            return chunk
        }
        chunk.encryptedColumnMetadata = try plan.encryptor.encrypt(
            metadata.serialized(), module: .columnMetaData, rowGroup: rowGroup, column: leaf)
        if config.plaintextFooter {
            // Old readers still find offsets and sizes; statistics stay secret.
            var redacted = metadata
            redacted.statistics = nil
            redacted.encodingStats = nil
            chunk.metaData = redacted
        }
        return chunk
    }
}

struct ColumnEncryptionPlan: Sendable {
    let encryptor: ModuleEncryptor
    let cryptoMetadata: ColumnCryptoMetaData
    let encryptsColumnMetaData: Bool
}
