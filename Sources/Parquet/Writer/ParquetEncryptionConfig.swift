import StrongroomCrypto

/// Parquet Modular Encryption settings for writing a file (Encryption.md).
///
/// Columns named in `columnKeys` are encrypted with their own key; with `uniform` every
/// column is encrypted with the footer key; otherwise unnamed columns stay plaintext.
public struct ParquetEncryptionConfig: Sendable {
    public enum Algorithm: Sendable, Hashable {
        /// AES-GCM for every module.
        case aesGcmV1
        /// AES-CTR for page payloads, AES-GCM for headers and metadata.
        case aesGcmCtrV1
    }

    /// A data key and the key metadata stored next to it so readers can find it again.
    public struct KeyBinding: Sendable {
        public var key: SecretKey
        public var keyMetadata: [UInt8]?

        public init(key: SecretKey, keyMetadata: [UInt8]?) {
            self.key = key
            self.keyMetadata = keyMetadata
        }

        public init(_ issued: IssuedKey) {
            self.init(key: issued.key, keyMetadata: issued.keyMetadata)
        }
    }

    public var algorithm: Algorithm
    public var footerKey: KeyBinding
    /// Column (dotted leaf path, or a prefix naming a nested field's leaves) → key.
    public var columnKeys: [String: KeyBinding]
    /// Encrypt every column with the footer key (columnKeys must then be empty).
    public var uniform: Bool
    /// PAR1 footer signed with the footer key instead of an encrypted PARE footer.
    public var plaintextFooter: Bool
    public var aadPrefix: [UInt8]?
    /// When false the prefix is not stored and readers must supply it (`supply_aad_prefix`).
    public var storeAadPrefix: Bool

    public init(
        footerKey: KeyBinding,
        columnKeys: [String: KeyBinding] = [:],
        uniform: Bool? = nil,
        algorithm: Algorithm = .aesGcmV1,
        plaintextFooter: Bool = false,
        aadPrefix: [UInt8]? = nil,
        storeAadPrefix: Bool = true
    ) {
        self.algorithm = algorithm
        self.footerKey = footerKey
        self.columnKeys = columnKeys
        self.uniform = uniform ?? columnKeys.isEmpty
        self.plaintextFooter = plaintextFooter
        self.aadPrefix = aadPrefix
        self.storeAadPrefix = storeAadPrefix
    }

    func validate() throws {
        if uniform && !columnKeys.isEmpty {
            throw ParquetError(.invalidArgument, "uniform encryption uses the footer key for every column; column keys were also given")
        }
        if !uniform && columnKeys.isEmpty {
            throw ParquetError(.invalidArgument, "no column is encrypted: give column keys or choose uniform encryption")
        }
        if let aadPrefix, aadPrefix.isEmpty {
            throw ParquetError(.invalidArgument, "the AAD prefix is empty; leave it out instead")
        }
        if aadPrefix == nil && !storeAadPrefix {
            throw ParquetError(.invalidArgument, "an AAD prefix that is not stored needs a prefix")
        }
    }
}

extension ParquetEncryptionConfig {
    /// Builds a configuration from key ids, as `--footer-key ID --column-key ID:col1,col2` give them.
    /// The issuer decides what the ids mean: `ExplicitKeyProvider` uses the key of that id and
    /// stores the id as key metadata; `KeyMaterialProvider` generates a random data key per
    /// footer/column and wraps it (double wrapping) under the master key of that id.
    public static func make(
        issuer: any ParquetKeyIssuer,
        footerKeyID: String,
        columnKeyIDs: [(keyID: String, columns: [String])] = [],
        algorithm: Algorithm = .aesGcmV1,
        plaintextFooter: Bool = false,
        aadPrefix: [UInt8]? = nil,
        storeAadPrefix: Bool = true
    ) throws -> ParquetEncryptionConfig {
        let footer = KeyBinding(try issuer.issueKey(keyID: footerKeyID, column: nil))
        var columnKeys: [String: KeyBinding] = [:]
        for (keyID, columns) in columnKeyIDs {
            for column in columns {
                guard columnKeys[column] == nil else {
                    throw ParquetError(.invalidArgument, "column '\(column)' is given more than one key")
                }
                let path = column.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                columnKeys[column] = KeyBinding(try issuer.issueKey(keyID: keyID, column: path))
            }
        }
        return ParquetEncryptionConfig(
            footerKey: footer, columnKeys: columnKeys, uniform: columnKeys.isEmpty, algorithm: algorithm,
            plaintextFooter: plaintextFooter, aadPrefix: aadPrefix, storeAadPrefix: storeAadPrefix)
    }

    /// The CLI form: keys from a KEYS.json, `--footer-key ID`, `--column-key ID:col1,col2` options.
    /// With `keyMaterial` the ids name master keys: each footer/column gets a random 128-bit data
    /// key wrapped under its master key (double wrapping, PKMT1 key metadata as parquet-java
    /// writes it); without, the ids are explicit keys and the key metadata is the id itself.
    public static func make(
        keysFile: KeysFile,
        footerKeyID: String,
        columnKeyOptions: [String] = [],
        keyMaterial: Bool,
        algorithm: Algorithm = .aesGcmV1,
        plaintextFooter: Bool = false,
        aadPrefix: [UInt8]? = nil,
        storeAadPrefix: Bool = true
    ) throws -> ParquetEncryptionConfig {
        let issuer: any ParquetKeyIssuer = keyMaterial
            ? KeyMaterialProvider(keysFile: keysFile, doubleWrapping: true)
            : ExplicitKeyProvider(keysFile: keysFile)
        return try make(issuer: issuer, footerKeyID: footerKeyID,
                        columnKeyIDs: try columnKeyOptions.map(parseColumnKeyOption),
                        algorithm: algorithm, plaintextFooter: plaintextFooter,
                        aadPrefix: aadPrefix, storeAadPrefix: storeAadPrefix)
    }

    /// Parses `ID:col1,col2` (the `--column-key` option).
    public static func parseColumnKeyOption(_ text: String) throws -> (keyID: String, columns: [String]) {
        guard let colon = text.firstIndex(of: ":") else {
            throw ParquetError(.invalidArgument, "column key option '\(text)' must be KEY_ID:column[,column...]")
        }
        let keyID = String(text[..<colon])
        let columns = text[text.index(after: colon)...].split(separator: ",").map {
            String($0).trimmingSpaces()
        }
        guard !keyID.isEmpty, !columns.isEmpty, !columns.contains(where: \.isEmpty) else {
            throw ParquetError(.invalidArgument, "column key option '\(text)' must be KEY_ID:column[,column...]")
        }
        return (keyID, columns)
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
