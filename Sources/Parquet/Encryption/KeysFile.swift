import StrongroomCrypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The CLI's KEYS.json: `{"<key id>": "<base64 of 16, 24 or 32 key bytes>", ...}`. The ids are
/// explicit key ids (key metadata = the UTF-8 id, e.g. "kf", "kc1") or master key ids for
/// envelope encryption. Errors name the offending id, never the key text.
public struct KeysFile: Sendable {
    public let keys: [String: SecretKey]

    public init(keys: [String: SecretKey]) {
        self.keys = keys
    }

    public init(json: [UInt8]) throws {
        let document = try FlatJSON(parsing: json, what: "KEYS.json")
        var keys: [String: SecretKey] = [:]
        for (id, value) in document.members {
            guard case .string(let text) = value else {
                throw ParquetError(.malformed, "KEYS.json: key \"\(id)\" must be a base64 string")
            }
            guard var raw = Base64.decode(text) else {
                throw ParquetError(.malformed, "KEYS.json: key \"\(id)\" is not valid base64")
            }
            defer { zeroize(&raw) }
            guard SecretKey.validByteCounts.contains(raw.count) else {
                throw ParquetError(.malformed, "KEYS.json: key \"\(id)\" decodes to \(raw.count) bytes; AES keys are 16, 24 or 32 bytes")
            }
            keys[id] = try SecretKey(bytes: raw)
        }
        self.keys = keys
    }

    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ParquetError(.io, "cannot read keys file \(path)")
        }
        var bytes = [UInt8](data)
        defer { zeroize(&bytes) }
        try self.init(json: bytes)
    }

    public subscript(id: String) -> SecretKey? { keys[id] }

    /// Key ids in a stable order (for listings; never the keys).
    public var ids: [String] { keys.keys.sorted() }
}

/// "Explicit key ids": the key metadata stored in the file is the UTF-8 key id, and the key
/// comes straight from the keys file (the scheme of the parquet-testing files: "kf", "kc1", ...).
public struct ExplicitKeyProvider: ParquetKeyProvider, ParquetKeyIssuer {
    public let keysFile: KeysFile

    public init(keysFile: KeysFile) {
        self.keysFile = keysFile
    }

    public func key(for keyMetadata: [UInt8]?, column: [String]?) throws -> SecretKey {
        guard let keyMetadata, !keyMetadata.isEmpty else {
            throw ParquetError(.missingKey, "\(column.keyRole) key has no key metadata; an explicit key id is needed")
        }
        guard let id = String(validating: keyMetadata, as: UTF8.self) else {
            throw ParquetError(.missingKey, "\(column.keyRole) key metadata is not a UTF-8 key id")
        }
        guard let key = keysFile[id] else {
            throw ParquetError(.missingKey, "no key with id \"\(id)\" for the \(column.keyRole)")
        }
        return key
    }

    public func issueKey(keyID: String, column: [String]?) throws -> IssuedKey {
        guard let key = keysFile[keyID] else {
            throw ParquetError(.missingKey, "no key with id \"\(keyID)\" for the \(column.keyRole)")
        }
        return IssuedKey(key: key, keyMetadata: Array(keyID.utf8))
    }
}
