import AlwaysEncrypted
import Foundation
import Parquet
import StrongroomCrypto

/// Where column master keys are: CAS (through a KMS client: an attested workload's token or an
/// owner's signature — CAS decides) and, for development only, RSA private keys in local files.
public struct ColumnKeySources: Sendable {
    /// Unwraps (and wraps) CEKs whose CMK provider is `STRONGROOM_CAS`.
    public var kms: (any KeyProvider)?
    /// RSA CMKs by CMK name (case-insensitive): SQL Server–format CEK values (`RSA_OAEP`).
    public var localMasterKeys: [String: ColumnMasterKey]

    public init(kms: (any KeyProvider)? = nil, localMasterKeys: [String: ColumnMasterKey] = [:]) {
        self.kms = kms
        self.localMasterKeys = Dictionary(localMasterKeys.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    public static let casProvider = "STRONGROOM_CAS"
    public static let keyFileProvider = "STRONGROOM_KEY_FILE"
    public static let casAlgorithm = "STRONGROOM_KMS"
    public static let rsaAlgorithm = "RSA_OAEP"

    /// Wraps a fresh CEK under `masterKey` in the form the metadata stores.
    public func wrap(_ cek: SecretKey, under masterKey: EncryptionMetadata.MasterKey) async throws -> (algorithm: String, value: [UInt8]) {
        if masterKey.provider == Self.casProvider {
            guard let kms else { throw TableError(.keys, "column master key \(masterKey.name) is held by CAS: give --cas") }
            return (Self.casAlgorithm, Array(try await kms.wrap(cek, masterKeyID: masterKey.keyPath).utf8))
        }
        guard let rsa = localMasterKeys[masterKey.name.lowercased()] else {
            throw TableError(.keys, "no key for column master key \(masterKey.name) (\(masterKey.provider)): give --cmk-key \(masterKey.name)=KEY.pem")
        }
        do {
            return (Self.rsaAlgorithm, try rsa.wrap(cek, keyPath: masterKey.keyPath).serialized())
        } catch {
            throw TableError(.keys, "column master key \(masterKey.name): \(error.message)")
        }
    }
}

/// The cell ciphers of one operation, each CEK unwrapped once.
final class ColumnKeyRing {
    private let database: any TableDatabase
    private let sources: ColumnKeySources
    private var ciphers: [String: CellCipher] = [:]

    init(database: any TableDatabase, sources: ColumnKeySources) {
        self.database = database
        self.sources = sources
    }

    func cipher(forKey name: String) async throws -> CellCipher {
        if let cached = ciphers[name.lowercased()] { return cached }
        let values = try await EncryptionMetadata.keyValues(of: name, in: database)
        guard !values.isEmpty else {
            throw TableError(.notFound, "column encryption key \(name) has no value in \(database.location.description)")
        }
        var reasons: [String] = []
        for value in values {
            do {
                let root = try await unwrap(value)
                let cipher = try CellCipher(rootKey: root)
                ciphers[name.lowercased()] = cipher
                return cipher
            } catch let error as TableError {
                reasons.append(error.message)
            } catch let error as AlwaysEncryptedError {
                reasons.append("column master key \(value.masterKey.name): \(error.message)")
            } catch {
                reasons.append("column master key \(value.masterKey.name): \(error)")
            }
        }
        throw TableError(.keys, "cannot unwrap column encryption key \(name): " + reasons.joined(separator: "; "))
    }

    private func unwrap(_ value: EncryptionMetadata.KeyValue) async throws -> SecretKey {
        let cmk = value.masterKey
        switch value.algorithm {
        case ColumnKeySources.casAlgorithm:
            guard cmk.provider == ColumnKeySources.casProvider else {
                throw TableError(.keys, "column master key \(cmk.name): a \(value.algorithm) value needs provider \(ColumnKeySources.casProvider)")
            }
            guard let kms = sources.kms else {
                throw TableError(.keys, "column master key \(cmk.name) is held by CAS (master key \(cmk.keyPath)): run attested (--cas …) or as an owner")
            }
            return try await kms.unwrap(String(decoding: value.encryptedValue, as: UTF8.self), masterKeyID: cmk.keyPath)
        case ColumnKeySources.rsaAlgorithm:
            guard let rsa = sources.localMasterKeys[cmk.name.lowercased()] else {
                throw TableError(.keys, "column master key \(cmk.name) (\(cmk.provider)) is not available here: give --cmk-key \(cmk.name)=KEY.pem (development)")
            }
            return try rsa.unwrap(serialized: value.encryptedValue)
        default:
            throw TableError(.keys, "column master key \(cmk.name): unknown key encryption algorithm \(value.algorithm)")
        }
    }
}
