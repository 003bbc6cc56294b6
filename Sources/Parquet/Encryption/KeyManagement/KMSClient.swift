import StrongroomCrypto

/// The KMS operations parquet-java's keytools need (its `KmsClient`): the crypto layer's
/// `KeyProvider` under the name Parquet's key tools use.
public typealias KMSClient = KeyProvider

/// Local wrapping with master keys held in memory, interoperable with parquet-java's InMemoryKMS
/// (KeyToolkit.encryptKeyLocally) and /work/shared/bench/pme_interop.py:
/// base64(nonce(12) ‖ AES-GCM ciphertext ‖ tag(16)), AAD = UTF-8 master key id.
public struct LocalKMS: KMSClient {
    public let masterKeys: KeysFile

    public init(masterKeys: KeysFile) {
        self.masterKeys = masterKeys
    }

    public func wrapKey(_ key: SecretKey, masterKeyID: String) throws -> String {
        let master = try masterKey(masterKeyID)
        return try LocalKeyWrap.wrap(key, with: master, aad: Array(masterKeyID.utf8), what: "key under master key \"\(masterKeyID)\"")
    }

    public func unwrapKey(_ wrappedKey: String, masterKeyID: String) throws -> SecretKey {
        let master = try masterKey(masterKeyID)
        return try LocalKeyWrap.unwrap(wrappedKey, with: master, aad: Array(masterKeyID.utf8), what: "key wrapped with master key \"\(masterKeyID)\"")
    }

    private func masterKey(_ id: String) throws -> SecretKey {
        guard let key = masterKeys[id] else {
            throw ParquetError(.missingKey, "no master key with id \"\(id)\"")
        }
        return key
    }
}

/// base64(nonce ‖ GCM(key bytes) ‖ tag): parquet-java's local key wrapping, used both by
/// InMemoryKMS (under a master key) and for DEKs under a KEK in double wrapping.
enum LocalKeyWrap {
    static func wrap(_ key: SecretKey, with wrappingKey: SecretKey, aad: [UInt8], what: String) throws -> String {
        let nonce = SecureRandom.bytes(count: AESGCM.nonceByteCount)
        var sealed = [UInt8](repeating: 0, count: key.byteCount + AESGCM.tagByteCount)
        do {
            try key.withUnsafeBytes { k in
                try nonce.withUnsafeBytes { n in
                    try aad.withUnsafeBytes { a in
                        try sealed.withUnsafeMutableBytes { try AESGCM.seal(k, key: wrappingKey, nonce: n, aad: a, into: $0) }
                    }
                }
            }
        } catch let error as CryptoError {
            throw ParquetError(.invalidArgument, "wrapping \(what) failed: \(error.message)", cause: error)
        }
        return Base64.encode(nonce + sealed)
    }

    static func unwrap(_ wrapped: String, with wrappingKey: SecretKey, aad: [UInt8], what: String) throws -> SecretKey {
        guard let raw = Base64.decode(wrapped) else {
            throw ParquetError(.malformed, "\(what): wrapped key is not valid base64")
        }
        let minimum = AESGCM.nonceByteCount + AESGCM.tagByteCount
        guard raw.count > minimum else {
            throw ParquetError(.malformed, "\(what): wrapped key of \(raw.count) bytes is too short")
        }
        var plain: [UInt8]
        do {
            plain = try AESGCM.open(Array(raw[AESGCM.nonceByteCount...]), key: wrappingKey,
                                    nonce: Array(raw[..<AESGCM.nonceByteCount]), aad: aad)
        } catch let error as CryptoError where error.code == .authenticationFailed {
            throw ParquetError(.wrongKey, "\(what): unwrapping failed (wrong master key or tampered key material)", cause: error)
        } catch let error as CryptoError {
            throw ParquetError(.malformed, "\(what): unwrapping failed: \(error.message)", cause: error)
        }
        defer { zeroize(&plain) }
        do {
            return try SecretKey(bytes: plain)
        } catch {
            throw ParquetError(.malformed, "\(what): unwrapped key has \(plain.count) bytes, not an AES key length")
        }
    }
}
