import Foundation
import StrongroomCrypto

/// Data keys wrapped by CAS master keys, in parquet-java's InMemoryKMS format
/// (KeyToolkit.encryptKeyLocally): base64(nonce(12) ‖ AES-GCM(master, dek, AAD = UTF-8 master key
/// id) ‖ tag(16)). Parquet's `LocalKMS` writes the same bytes, so PKMT1 key material wrapped
/// through CAS reads with a `--keys` export of the master keys and vice versa.
public enum KeyWrapping {
    public static func wrap(_ dataKey: SecretKey, masterKey: SecretKey, masterKeyID: String) throws(CASError) -> String {
        let nonce = SecureRandom.bytes(count: AESGCM.nonceByteCount)
        var plain = dataKey.withUnsafeBytes { [UInt8]($0) }
        defer { zeroize(&plain) }
        do {
            let sealed = try AESGCM.seal(plain, key: masterKey, nonce: nonce, aad: Array(masterKeyID.utf8))
            return Data(nonce + sealed).base64EncodedString()
        } catch {
            throw CASError(.internalFailure, "wrapping a key under master key \(masterKeyID) failed", cause: error)
        }
    }

    public static func unwrap(_ wrappedKey: String, masterKey: SecretKey, masterKeyID: String) throws(CASError) -> SecretKey {
        guard let data = Data(base64Encoded: wrappedKey) else {
            throw CASError(.malformedRequest, "wrapped_key is not valid base64")
        }
        let raw = [UInt8](data)
        guard raw.count > AESGCM.nonceByteCount + AESGCM.tagByteCount else {
            throw CASError(.malformedRequest, "wrapped_key of \(raw.count) bytes is too short")
        }
        var plain: [UInt8]
        do {
            plain = try AESGCM.open(Array(raw[AESGCM.nonceByteCount...]), key: masterKey,
                                    nonce: Array(raw[..<AESGCM.nonceByteCount]), aad: Array(masterKeyID.utf8))
        } catch {
            throw CASError(.unwrapFailed, "key does not unwrap with master key \(masterKeyID) (other key, other id, or changed bytes)")
        }
        defer { zeroize(&plain) }
        guard let key = try? SecretKey(bytes: plain) else {
            throw CASError(.unwrapFailed, "unwrapped key has \(plain.count) bytes, not an AES key length")
        }
        return key
    }
}
