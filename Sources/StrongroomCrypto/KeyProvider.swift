/// The key-management contract of the crypto layer: wrap a data key under a master key (returning
/// text to keep beside the data, e.g. in Parquet key material) and unwrap it again. Parquet's
/// modular encryption (`KMSClient`), the runtime's CAS client and KMS proxy, and code bundles all
/// use it, so none of them needs another's module to hand out keys.
public protocol KeyProvider: Sendable {
    func wrapKey(_ key: SecretKey, masterKeyID: String) throws -> String
    func unwrapKey(_ wrappedKey: String, masterKeyID: String) throws -> SecretKey
}
