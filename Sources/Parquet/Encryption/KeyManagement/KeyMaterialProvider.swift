import StrongroomCrypto
import Synchronization

/// parquet-java-compatible envelope encryption (keytools "PKMT1").
///
/// Reading: resolves key metadata that is PKMT1 JSON (internal material, or a reference into
/// `externalKeyMaterial`) or, failing that, a plain explicit key id looked up in `explicitKeys`.
/// Writing: issues a random DEK per call, wrapped under the master key named by `keyID`,
/// single or double wrapped, with internal key material storage.
///
/// With double wrapping one KEK per master key is created and reused for every key issued by
/// this instance — make one instance per file written, as parquet-java does per file writer.
public final class KeyMaterialProvider: ParquetKeyProvider, ParquetKeyIssuer {
    public let kms: any KMSClient
    public let explicitKeys: KeysFile?
    public let externalKeyMaterial: ExternalKeyMaterial?
    public let doubleWrapping: Bool
    public let dataKeyBitCount: Int
    public let keyEncryptionKeyBitCount: Int
    public let kmsInstanceID: String
    public let kmsInstanceURL: String

    /// KEKs created for writing, by master key id.
    private let writeKEKs = Mutex<[String: KeyEncryptionKey]>([:])

    private struct KeyEncryptionKey: Sendable {
        var key: SecretKey
        var id: [UInt8]
        var wrapped: String
    }

    public init(
        kms: any KMSClient,
        explicitKeys: KeysFile? = nil,
        externalKeyMaterial: ExternalKeyMaterial? = nil,
        doubleWrapping: Bool = true,
        dataKeyBitCount: Int = 128,
        keyEncryptionKeyBitCount: Int = 128,
        kmsInstanceID: String = "DEFAULT",
        kmsInstanceURL: String = "DEFAULT"
    ) {
        self.kms = kms
        self.explicitKeys = explicitKeys
        self.externalKeyMaterial = externalKeyMaterial
        self.doubleWrapping = doubleWrapping
        self.dataKeyBitCount = dataKeyBitCount
        self.keyEncryptionKeyBitCount = keyEncryptionKeyBitCount
        self.kmsInstanceID = kmsInstanceID
        self.kmsInstanceURL = kmsInstanceURL
    }

    /// Master keys and explicit keys from one KEYS.json, wrapped locally like InMemoryKMS.
    public convenience init(keysFile: KeysFile, externalKeyMaterial: ExternalKeyMaterial? = nil, doubleWrapping: Bool = true) {
        self.init(kms: LocalKMS(masterKeys: keysFile), explicitKeys: keysFile,
                  externalKeyMaterial: externalKeyMaterial, doubleWrapping: doubleWrapping)
    }

    // MARK: Reading

    public func key(for keyMetadata: [UInt8]?, column: [String]?) throws -> SecretKey {
        guard let keyMetadata, !keyMetadata.isEmpty else {
            throw ParquetError(.missingKey, "\(column.keyRole) key has no key metadata")
        }
        guard KeyMetadata.isKeyMaterialJSON(keyMetadata) else {
            guard let explicitKeys else {
                throw ParquetError(.missingKey, "\(column.keyRole) key metadata is a plain key id but no explicit keys are configured")
            }
            return try ExplicitKeyProvider(keysFile: explicitKeys).key(for: keyMetadata, column: column)
        }
        switch try KeyMetadata(bytes: keyMetadata) {
        case .internalMaterial(let material):
            return try unwrap(material, role: column.keyRole)
        case .externalReference(let reference):
            guard let externalKeyMaterial else {
                throw ParquetError(.missingKey, "\(column.keyRole) key material is stored outside the file (reference \"\(reference)\"); the key material file is needed")
            }
            guard let material = externalKeyMaterial.materials[reference] else {
                throw ParquetError(.missingKey, "external key material has no entry \"\(reference)\" for the \(column.keyRole)")
            }
            return try unwrap(material, role: column.keyRole)
        }
    }

    /// Recovers the DEK of one key material.
    public func unwrap(_ material: KeyMaterial, role: String = "key") throws -> SecretKey {
        guard material.isDoubleWrapped else {
            return try kms.unwrapKey(material.wrappedDEK, masterKeyID: material.masterKeyID)
        }
        guard let encodedKEKID = material.keyEncryptionKeyID, let wrappedKEK = material.wrappedKEK else {
            throw ParquetError(.malformed, "\(role) key material: double wrapping without keyEncryptionKeyID / wrappedKEK")
        }
        // The DEK's AAD is the raw KEK id, not its base64 text.
        guard let kekID = Base64.decode(encodedKEKID) else {
            throw ParquetError(.malformed, "\(role) key material: keyEncryptionKeyID is not valid base64")
        }
        let kek = try kms.unwrapKey(wrappedKEK, masterKeyID: material.masterKeyID)
        return try LocalKeyWrap.unwrap(material.wrappedDEK, with: kek, aad: kekID,
                                       what: "\(role) data key wrapped with the KEK of master key \"\(material.masterKeyID)\"")
    }

    // MARK: Writing

    public func issueKey(keyID masterKeyID: String, column: [String]?) throws -> IssuedKey {
        let dataKey = try SecretKey.random(bitCount: dataKeyBitCount)
        let material = try wrap(dataKey, masterKeyID: masterKeyID, isFooterKey: column == nil)
        return IssuedKey(key: dataKey, keyMetadata: KeyMetadata.internalMaterial(material).serialized())
    }

    /// Key material for `dataKey` under `masterKeyID` (single or double wrapped per configuration).
    public func wrap(_ dataKey: SecretKey, masterKeyID: String, isFooterKey: Bool) throws -> KeyMaterial {
        var material = KeyMaterial(
            isFooterKey: isFooterKey,
            kmsInstanceID: isFooterKey ? kmsInstanceID : nil,
            kmsInstanceURL: isFooterKey ? kmsInstanceURL : nil,
            masterKeyID: masterKeyID, wrappedDEK: "", isDoubleWrapped: doubleWrapping)
        if doubleWrapping {
            let kek = try keyEncryptionKey(for: masterKeyID)
            material.wrappedDEK = try LocalKeyWrap.wrap(dataKey, with: kek.key, aad: kek.id, what: "data key under a KEK")
            material.keyEncryptionKeyID = Base64.encode(kek.id)
            material.wrappedKEK = kek.wrapped
        } else {
            material.wrappedDEK = try kms.wrapKey(dataKey, masterKeyID: masterKeyID)
        }
        return material
    }

    /// Creates the KEK for `masterKeyID` ahead of writing and has the KMS wrap it asynchronously
    /// (CAS answers only asynchronous calls), so that writing with double wrapping never calls
    /// the KMS: every data key issued afterwards is wrapped locally under this KEK.
    public func prepareKeyEncryptionKey(for masterKeyID: String) async throws {
        guard doubleWrapping else {
            throw ParquetError(.invalidArgument, "a KEK is prepared for double wrapping only")
        }
        if writeKEKs.withLock({ $0[masterKeyID] }) != nil { return }
        let key = try SecretKey.random(bitCount: keyEncryptionKeyBitCount)
        let kek = KeyEncryptionKey(key: key, id: SecureRandom.bytes(count: 16), wrapped: try await kms.wrap(key, masterKeyID: masterKeyID))
        writeKEKs.withLock { cache in
            if cache[masterKeyID] == nil { cache[masterKeyID] = kek }
        }
    }

    private func keyEncryptionKey(for masterKeyID: String) throws -> KeyEncryptionKey {
        if let cached = writeKEKs.withLock({ $0[masterKeyID] }) { return cached }
        let key = try SecretKey.random(bitCount: keyEncryptionKeyBitCount)
        let kek = KeyEncryptionKey(key: key, id: SecureRandom.bytes(count: 16),
                                   wrapped: try kms.wrapKey(key, masterKeyID: masterKeyID))
        // Another thread may have raced us; keep the first so all columns share one KEK.
        return writeKEKs.withLock { cache in
            if let existing = cache[masterKeyID] { return existing }
            cache[masterKeyID] = kek
            return kek
        }
    }
}
