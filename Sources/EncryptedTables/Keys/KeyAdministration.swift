import AlwaysEncrypted
import Foundation
import StrongroomCrypto

/// `strongroom sql keys create-cmk|create-cek`: the key metadata of a database.
public enum KeyAdministration {
    public static func createMasterKey(_ key: EncryptionMetadata.MasterKey, in location: DatabaseLocation) throws {
        guard DatabaseLocation.isIdentifier(key.name) else { throw TableError(.invalidLocation, "a key name is letters, digits and _") }
        let db = try location.open(create: true)
        defer { db.close() }
        try db.transaction { try EncryptionMetadata.addMasterKey(key, in: db, at: timestamp()) }
    }

    /// Creates a CEK of 32 random bytes and stores it wrapped under each named CMK (two during rotation).
    public static func createEncryptionKey(name: String, masterKeys names: [String], in location: DatabaseLocation,
                                           keys: ColumnKeySources) throws {
        guard DatabaseLocation.isIdentifier(name) else { throw TableError(.invalidLocation, "a key name is letters, digits and _") }
        guard !names.isEmpty else { throw TableError(.invalidLocation, "a column encryption key needs a column master key") }
        let db = try location.open()
        defer { db.close() }
        let known = try EncryptionMetadata.masterKeys(in: db)
        let cek = try SecretKey.random(bitCount: 256)
        var values: [(masterKey: String, algorithm: String, encryptedValue: [UInt8])] = []
        for name in names {
            guard let masterKey = known.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw TableError(.notFound, "column master key \(name) does not exist in \(location.description) (create it with sql keys create-cmk)")
            }
            let wrapped = try keys.wrap(cek, under: masterKey)
            values.append((masterKey.name, wrapped.algorithm, wrapped.value))
        }
        try db.transaction { try EncryptionMetadata.addKey(name: name, values: values, in: db, at: timestamp()) }
    }

    static func timestamp() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
