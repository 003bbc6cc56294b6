import AlwaysEncrypted
import ArgumentParser
import EncryptedTables
import Foundation

/// `strongroom sql keys create-cmk|create-cek|list`: Always Encrypted key metadata of a database.
struct SQLKeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Column master keys and column encryption keys of a database (ae_* metadata tables).",
        subcommands: [SQLCreateCMKCommand.self, SQLCreateCEKCommand.self, SQLListKeysCommand.self])
}

struct SQLCreateCMKCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-cmk",
        abstract: "Record a column master key: a CAS master key (production) or an RSA key in a local file (development).",
        discussion: """
        --cas-master-key ID names a master key declared in a CAS policy (provider STRONGROOM_CAS): \
        CEKs under it are unwrapped only by CAS, for owners and for attested workloads whose policy \
        lists ID in `unwrap`. --key-file uses an RSA private key PEM (created, mode 0600, if missing) \
        and writes CEK values in SQL Server's format (RSA_OAEP, signed).
        """)

    @Option(help: "The database: postgres://USER@HOST/DB or sqlite://PATH.")
    var database: String

    @Option(help: "The column master key's name.")
    var name: String

    @Option(name: .customLong("cas-master-key"), help: "The CAS master key id (declared under master_keys in a policy).")
    var casMasterKey: String?

    @Option(name: .customLong("key-file"), help: "An RSA private key PEM file (development; created if missing).")
    var keyFile: String?

    @Option(name: .customLong("key-path"), help: "With --key-file: the key path to record (default: the file's absolute path); e.g. a SQL Server certificate-store path.")
    var keyPath: String?

    @Option(help: "With --key-file: the key store provider name to record.")
    var provider: String = ColumnKeySources.keyFileProvider

    func validate() throws {
        if (casMasterKey == nil) == (keyFile == nil) { throw ValidationError("give exactly one of --cas-master-key and --key-file") }
        if keyPath != nil && keyFile == nil { throw ValidationError("--key-path goes with --key-file") }
    }

    func run() async throws {
        let database = try await cliTableError { try DatabaseLocation(self.database) }
        let record: EncryptionMetadata.MasterKey
        if let casMasterKey {
            record = .init(name: name, provider: ColumnKeySources.casProvider, keyPath: casMasterKey)
        } else {
            let file = keyFile!
            if !FileManager.default.fileExists(atPath: file) {
                let key: ColumnMasterKey
                do { key = try ColumnMasterKey.generate(keyPath: file) } catch { throw CLIError(error.message) }
                guard let pem = key.privateKeyPKCS8PEM(),
                      FileManager.default.createFile(atPath: file, contents: Data(pem.utf8), attributes: [.posixPermissions: 0o600])
                else { throw CLIError("cannot write \(file)") }
                StandardError.write("created RSA-2048 column master key file \(file) (development only)\n")
            }
            let absolute = URL(fileURLWithPath: file).standardizedFileURL.path
            record = .init(name: name, provider: provider, keyPath: keyPath ?? absolute)
        }
        try await cliTableError { try await KeyAdministration.createMasterKey(record, in: database) }
        print("column master key \(name) (\(record.provider)) recorded in the \(database.description)")
    }
}

struct SQLCreateCEKCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-cek",
        abstract: "Create a column encryption key (32 random bytes) wrapped under column master keys.")

    @Option(help: "The database: postgres://USER@HOST/DB or sqlite://PATH.")
    var database: String

    @Option(help: "The column encryption key's name.")
    var name: String

    @Option(name: .customLong("cmk"), help: "A column master key to wrap it under (repeatable: two during CMK rotation).")
    var masterKeys: [String] = []

    @OptionGroup var owner: OwnerCASOptions
    @OptionGroup var localKeys: ColumnKeyFileOptions

    func run() async throws {
        let database = try await cliTableError { try DatabaseLocation(self.database) }
        let (name, masterKeys) = (self.name, self.masterKeys)
        try await owner.withKeySources(local: localKeys) { keys in
            try await cliTableError { try await KeyAdministration.createEncryptionKey(name: name, masterKeys: masterKeys, in: database, keys: keys) }
        }
        print("column encryption key \(name) created under \(masterKeys.joined(separator: ", "))")
    }
}

struct SQLListKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List column master keys and column encryption keys.")

    @Option(help: "The database: postgres://USER@HOST/DB or sqlite://PATH.")
    var database: String

    @Option(help: "text or json.")
    var format: ListFormat = .text

    enum ListFormat: String, ExpressibleByArgument { case text, json }

    func run() async throws {
        let location = try await cliTableError { try DatabaseLocation(database) }
        let (masterKeys, keys) = try await cliTableError {
            try await location.withConnection { db in
                (try await EncryptionMetadata.masterKeys(in: db), try await EncryptionMetadata.keyNames(in: db))
            }
        }
        switch format {
        case .text:
            for key in masterKeys { print("CMK \(key.name)\t\(key.provider)\t\(key.keyPath)") }
            for key in keys { print("CEK \(key)") }
        case .json:
            let object: [String: Any] = [
                "column_master_keys": masterKeys.map { ["name": $0.name, "key_store_provider_name": $0.provider, "key_path": $0.keyPath] },
                "column_encryption_keys": keys,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }
}

/// Table and key errors become one-line CLI errors.
func cliTableError<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let error as TableError { throw CLIError(error.message) }
}
