import AlwaysEncrypted
import EncryptedTables
import Foundation
import Parquet
import Runtime

/// Where the keys of encrypted inputs come from.
public enum KeySource: Sendable {
    case none
    /// KEYS.json (development): explicit keys and master keys, unwrapped locally like
    /// parquet-java's InMemoryKMS.
    case keysFile(KeysFile)
    /// CAS: key material unwrapped through `/v1/kms/unwrap` with the attested session's token;
    /// Parquet keys from `prefetched` when they were fetched before the query (`KeyPrefetch`).
    case cas(CASKMSClient, prefetched: PrefetchedKMS? = nil)

    /// Reads KEYS.json.
    public static func keysFile(at path: String) throws -> KeySource {
        .keysFile(try KeysFile(contentsOf: path))
    }

    /// How a Parquet file is opened: its key material (in the file, or external key material in
    /// the `_KEY_MATERIAL_FOR_<file>.json` beside it) is unwrapped through this source.
    public func readOptions(forParquetFile file: String) throws -> ParquetReadOptions {
        switch self {
        case .none:
            return ParquetReadOptions(keys: nil)
        case .keysFile(let keysFile):
            return ParquetReadOptions(keys: try Self.provider(keys: keysFile, forParquetFile: file))
        case .cas(let kms, let prefetched):
            return ParquetReadOptions(
                keys: KeyMaterialProvider(
                    kms: prefetched.map { $0 as any KMSClient } ?? kms, externalKeyMaterial: try Self.externalKeyMaterial(forParquetFile: file)))
        }
    }

    /// Where the column encryption keys of Always Encrypted tables are unwrapped: CAS for
    /// `STRONGROOM_CAS` column master keys (or the keys file's master keys, in development),
    /// local RSA keys (development) for the others.
    public func columnKeys(localMasterKeys: [String: ColumnMasterKey]) -> ColumnKeySources {
        switch self {
        case .none: ColumnKeySources(localMasterKeys: localMasterKeys)
        case .keysFile(let keysFile): ColumnKeySources(kms: LocalKMS(masterKeys: keysFile), localMasterKeys: localMasterKeys)
        case .cas(let kms, _): ColumnKeySources(kms: kms, localMasterKeys: localMasterKeys)
        }
    }

    /// The keys file's provider for one Parquet file (its external key material included).
    public static func provider(keys: KeysFile, forParquetFile file: String) throws -> any ParquetKeyProvider {
        KeyMaterialProvider(keysFile: keys, externalKeyMaterial: try externalKeyMaterial(forParquetFile: file))
    }

    /// The `_KEY_MATERIAL_FOR_<file>.json` beside a Parquet file, when there is one.
    static func externalKeyMaterial(forParquetFile file: String) throws -> ExternalKeyMaterial? {
        let external = ExternalKeyMaterial.path(forParquetFile: file)
        return FileManager.default.fileExists(atPath: external) ? try ExternalKeyMaterial(contentsOf: external) : nil
    }
}
