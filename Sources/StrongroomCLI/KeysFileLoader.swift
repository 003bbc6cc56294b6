import Foundation
import Parquet

/// Development key source for the CLI: KEYS.json holds explicit keys and master keys; key
/// material (PKMT1) in files is unwrapped locally like parquet-java's InMemoryKMS. External
/// key material is read from the `_KEY_MATERIAL_FOR_<file>.json` beside the Parquet file.
package enum KeysFileLoader {
    package static func load(path: String) throws -> KeysFile {
        try KeysFile(contentsOf: path)
    }

    static func provider(keys: KeysFile, forParquetFile file: String) throws -> any ParquetKeyProvider {
        let external = ExternalKeyMaterial.path(forParquetFile: file)
        let material = FileManager.default.fileExists(atPath: external) ? try ExternalKeyMaterial(contentsOf: external) : nil
        return KeyMaterialProvider(keysFile: keys, externalKeyMaterial: material)
    }
}
