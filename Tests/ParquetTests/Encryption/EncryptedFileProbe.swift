import Foundation
import Parquet
import StrongroomCrypto

/// Finds encrypted modules in the parquet-testing files without a thrift parser: GCM
/// authentication is the oracle (a wrong offset, AAD or key never verifies).
enum EncryptedFileProbe {
    static let directory = Vectors.parquet.appendingPathComponent("encrypted").path + "/"

    static func load(_ name: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: directory + name) else {
            throw ParquetError(.io, "missing vector \(name)")
        }
        return [UInt8](data)
    }

    static func key(_ ascii: String) throws -> SecretKey { try SecretKey(bytes: Array(ascii.utf8)) }

    static func le32(_ b: [UInt8], _ i: Int) -> Int {
        Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 | Int(b[i + 3]) << 24
    }

    /// Thrift compact `binary` fields with field-id delta 1 or 2 (header 0x18 / 0x28) and a
    /// one-byte length: `aad_file_unique` is one of them.
    static func binaryCandidates(_ b: ArraySlice<UInt8>) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var i = b.startIndex
        while i + 1 < b.endIndex {
            if b[i] == 0x28 || b[i] == 0x18, b[i + 1] < 0x80, i + 2 + Int(b[i + 1]) <= b.endIndex {
                out.append(Array(b[(i + 2)..<(i + 2 + Int(b[i + 1]))]))
            }
            i += 1
        }
        return out
    }

    struct EncryptedFooter {
        var moduleOffset: Int
        var fileAAD: [UInt8]
        var plaintext: [UInt8]
        var cryptoMetaData: ArraySlice<UInt8>
    }

    /// Locates and decrypts the footer of a PARE file.
    static func decryptFooter(_ file: [UInt8], key: SecretKey, aadPrefix: [UInt8] = []) throws -> EncryptedFooter? {
        let end = file.count - 8
        let regionStart = end - le32(file, end)
        for x in regionStart..<(end - 4) where le32(file, x) == end - x - 4 {
            let meta = file[regionStart..<x]
            for unique in binaryCandidates(meta) {
                let decryptor = ModuleDecryptor(usesCTRForPageData: false, key: key, fileAAD: aadPrefix + unique)
                if let (plain, consumed) = try? decryptor.decrypt(file, at: x, module: .footer), consumed == end - x {
                    return EncryptedFooter(moduleOffset: x, fileAAD: aadPrefix + unique, plaintext: plain, cryptoMetaData: meta)
                }
            }
        }
        return nil
    }

    struct FoundModule {
        var offset: Int
        var column: Int
        var plaintext: [UInt8]
        var consumed: Int
    }

    /// All offsets where a module of `type` with ordinals (rowGroup 0, column c, page 0 if needed)
    /// authenticates under `key`.
    static func findGCMModules(_ file: [UInt8], key: SecretKey, fileAAD: [UInt8], type: ModuleType, columns: Range<Int> = 0..<8) -> [FoundModule] {
        var found: [FoundModule] = []
        let decryptor = ModuleDecryptor(usesCTRForPageData: false, key: key, fileAAD: fileAAD)
        var offset = 4
        while offset + 4 < file.count {
            let length = le32(file, offset)
            if length >= 28, length <= file.count - offset - 4 {
                for c in columns {
                    let page: Int? = type.hasPageOrdinal ? 0 : nil
                    if let (plain, consumed) = try? decryptor.decrypt(file, at: offset, module: type, rowGroup: 0, column: c, page: page) {
                        found.append(FoundModule(offset: offset, column: c, plaintext: plain, consumed: consumed))
                    }
                }
            }
            offset += 1
        }
        return found
    }
}
