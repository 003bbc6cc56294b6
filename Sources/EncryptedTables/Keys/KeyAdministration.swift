import AlwaysEncrypted
import Foundation
import StrongroomCrypto

/// `strongroom sql keys create-cmk|create-cek`: the key metadata of a database.
public enum KeyAdministration {
    public static func createMasterKey(_ key: EncryptionMetadata.MasterKey, in location: DatabaseLocation) async throws {
        guard DatabaseLocation.isIdentifier(key.name) else { throw TableError(.invalidLocation, "a key name is letters, digits and _") }
        try await location.withConnection(create: true) { db in
            try await db.transaction { try await EncryptionMetadata.addMasterKey(key, in: db, at: timestamp()) }
        }
    }

    /// Creates a CEK of 32 random bytes and stores it wrapped under each named CMK (two during rotation).
    public static func createEncryptionKey(name: String, masterKeys names: [String], in location: DatabaseLocation,
                                           keys: ColumnKeySources) async throws {
        guard DatabaseLocation.isIdentifier(name) else { throw TableError(.invalidLocation, "a key name is letters, digits and _") }
        guard !names.isEmpty else { throw TableError(.invalidLocation, "a column encryption key needs a column master key") }
        try await location.withConnection { db in
            let known = try await EncryptionMetadata.masterKeys(in: db)
            let cek = try SecretKey.random(bitCount: 256)
            var values: [(masterKey: String, algorithm: String, encryptedValue: [UInt8])] = []
            for name in names {
                guard let masterKey = known.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                    throw TableError(.notFound, "column master key \(name) does not exist in \(location.description) (create it with sql keys create-cmk)")
                }
                let wrapped = try await keys.wrap(cek, under: masterKey)
                values.append((masterKey.name, wrapped.algorithm, wrapped.value))
            }
            try await db.transaction { try await EncryptionMetadata.addKey(name: name, values: values, in: db, at: timestamp()) }
        }
    }

    static func timestamp() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
