/// The key-management contract of the crypto layer: wrap a data key under a master key (returning
/// text to keep beside the data, e.g. in Parquet key material) and unwrap it again. Parquet's
/// modular encryption (`KMSClient`), the runtime's CAS client and KMS proxy, and code bundles all
/// use it, so none of them needs another's module to hand out keys.
///
/// Two faces: `wrap`/`unwrap` are asynchronous, for callers that may wait on a remote KMS (the
/// KMS proxy, key prefetching, code bundles, database column keys); `wrapKey`/`unwrapKey` are
/// synchronous, for code that runs inside the engine (Parquet readers and writers). A local
/// provider answers both at once; a remote one (CAS) answers only the asynchronous calls, and
/// its keys reach the engine fetched beforehand (`PrefetchedKMS`, prepared key-encryption keys).
public protocol KeyProvider: Sendable {
    func wrapKey(_ key: SecretKey, masterKeyID: String) throws -> String
    func unwrapKey(_ wrappedKey: String, masterKeyID: String) throws -> SecretKey
    func wrap(_ key: SecretKey, masterKeyID: String) async throws -> String
    func unwrap(_ wrappedKey: String, masterKeyID: String) async throws -> SecretKey
}

extension KeyProvider {
    /// A local provider's answer, given at once.
    public func wrap(_ key: SecretKey, masterKeyID: String) async throws -> String {
        try wrapKey(key, masterKeyID: masterKeyID)
    }

    public func unwrap(_ wrappedKey: String, masterKeyID: String) async throws -> SecretKey {
        try unwrapKey(wrappedKey, masterKeyID: masterKeyID)
    }
}
