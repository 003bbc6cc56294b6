import AlwaysEncrypted

/// The Always Encrypted metadata a database keeps beside its tables, mirroring SQL Server's
/// `sys.column_master_keys`, `sys.column_encryption_keys`, `sys.column_encryption_key_values`
/// and the encryption settings of `sys.columns`:
///
///     ae_column_master_keys(name PK, key_store_provider_name, key_path, created_at)
///     ae_column_encryption_keys(name PK, created_at)
///     ae_column_encryption_key_values(column_encryption_key_name, column_master_key_name,
///                                     encryption_algorithm_name, encrypted_value; PK both names)
///     ae_encrypted_columns(table_name, column_name PK, column_encryption_key_name,
///                          encryption_type 'DETERMINISTIC'|'RANDOMIZED',
///                          encryption_algorithm_name 'AEAD_AES_256_CBC_HMAC_SHA_256',
///                          plaintext_type e.g. 'decimal(19,4)')
public enum EncryptionMetadata {
    public static let cellAlgorithm = "AEAD_AES_256_CBC_HMAC_SHA_256"

    public struct MasterKey: Sendable, Hashable {
        public var name: String
        /// `STRONGROOM_CAS` (a CAS master key; key_path = its id) or a SQL Server provider name
        /// (`MSSQL_CERTIFICATE_STORE`, `STRONGROOM_KEY_FILE`, …) for RSA keys held elsewhere.
        public var provider: String
        public var keyPath: String

        public init(name: String, provider: String, keyPath: String) {
            self.name = name
            self.provider = provider
            self.keyPath = keyPath
        }
    }

    public struct KeyValue: Sendable {
        public var masterKey: MasterKey
        /// `RSA_OAEP` (SQL Server's format) or `STRONGROOM_KMS` (the CAS wrap, as UTF-8 base64 text).
        public var algorithm: String
        public var encryptedValue: [UInt8]
    }

    public struct EncryptedColumn: Sendable, Hashable {
        public var column: String
        public var key: String
        public var encryptionType: EncryptionType
        public var plaintextType: SQLServerType

        public init(column: String, key: String, encryptionType: EncryptionType, plaintextType: SQLServerType) {
            self.column = column
            self.key = key
            self.encryptionType = encryptionType
            self.plaintextType = plaintextType
        }
    }

    static func create(in db: any TableDatabase) async throws {
        let blob = db.dialect.blobType
        for statement in [
            "CREATE TABLE IF NOT EXISTS ae_column_master_keys (name TEXT PRIMARY KEY, key_store_provider_name TEXT NOT NULL, key_path TEXT NOT NULL, created_at TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS ae_column_encryption_keys (name TEXT PRIMARY KEY, created_at TEXT NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS ae_column_encryption_key_values (
              column_encryption_key_name TEXT NOT NULL REFERENCES ae_column_encryption_keys(name),
              column_master_key_name TEXT NOT NULL REFERENCES ae_column_master_keys(name),
              encryption_algorithm_name TEXT NOT NULL, encrypted_value \(blob) NOT NULL,
              PRIMARY KEY (column_encryption_key_name, column_master_key_name))
            """,
            """
            CREATE TABLE IF NOT EXISTS ae_encrypted_columns (
              table_name TEXT NOT NULL, column_name TEXT NOT NULL,
              column_encryption_key_name TEXT NOT NULL REFERENCES ae_column_encryption_keys(name),
              encryption_type TEXT NOT NULL CHECK (encryption_type IN ('DETERMINISTIC', 'RANDOMIZED')),
              encryption_algorithm_name TEXT NOT NULL, plaintext_type TEXT NOT NULL,
              PRIMARY KEY (table_name, column_name))
            """,
        ] {
            try await db.query(statement, [])
        }
    }

    static func exists(in db: any TableDatabase) async throws -> Bool {
        try await db.describeTable("ae_encrypted_columns") != nil
    }

    // MARK: keys

    public static func masterKeys(in db: any TableDatabase) async throws -> [MasterKey] {
        guard try await exists(in: db) else { return [] }
        return try await db.query("SELECT name, key_store_provider_name, key_path FROM ae_column_master_keys ORDER BY name", []).map { row in
            MasterKey(name: try text(row, 0, "ae_column_master_keys.name"), provider: try text(row, 1, "key_store_provider_name"),
                      keyPath: try text(row, 2, "key_path"))
        }
    }

    public static func addMasterKey(_ key: MasterKey, in db: any TableDatabase, at timestamp: String) async throws {
        try await create(in: db)
        guard try await masterKeys(in: db).first(where: { $0.name.lowercased() == key.name.lowercased() }) == nil else {
            throw TableError(.schemaMismatch, "column master key \(key.name) already exists in \(db.location.description)")
        }
        let p = db.dialect.placeholder
        try await db.query("INSERT INTO ae_column_master_keys VALUES (\(p(1)), \(p(2)), \(p(3)), \(p(4)))",
                     [.text(key.name), .text(key.provider), .text(key.keyPath), .text(timestamp)])
    }

    public static func keyNames(in db: any TableDatabase) async throws -> [String] {
        guard try await exists(in: db) else { return [] }
        return try await db.query("SELECT name FROM ae_column_encryption_keys ORDER BY name", []).map { try text($0, 0, "ae_column_encryption_keys.name") }
    }

    static func addKey(name: String, values: [(masterKey: String, algorithm: String, encryptedValue: [UInt8])],
                       in db: any TableDatabase, at timestamp: String) async throws {
        try await create(in: db)
        guard try await !keyNames(in: db).contains(where: { $0.lowercased() == name.lowercased() }) else {
            throw TableError(.schemaMismatch, "column encryption key \(name) already exists in \(db.location.description)")
        }
        let p = db.dialect.placeholder
        try await db.query("INSERT INTO ae_column_encryption_keys VALUES (\(p(1)), \(p(2)))", [.text(name), .text(timestamp)])
        for value in values {
            try await db.query("INSERT INTO ae_column_encryption_key_values VALUES (\(p(1)), \(p(2)), \(p(3)), \(p(4)))",
                         [.text(name), .text(value.masterKey), .text(value.algorithm), .blob(value.encryptedValue)])
        }
    }

    static func keyValues(of key: String, in db: any TableDatabase) async throws -> [KeyValue] {
        let p = db.dialect.placeholder
        let rows = try await db.query("""
            SELECT m.name, m.key_store_provider_name, m.key_path, v.encryption_algorithm_name, v.encrypted_value
            FROM ae_column_encryption_key_values v JOIN ae_column_master_keys m ON m.name = v.column_master_key_name
            WHERE v.column_encryption_key_name = \(p(1)) ORDER BY m.name
            """, [.text(key)])
        return try rows.map { row in
            guard row.count == 5, case .blob(let value) = row[4] else {
                throw TableError(.database, "ae_column_encryption_key_values.encrypted_value of \(key) is not bytes")
            }
            return KeyValue(masterKey: MasterKey(name: try text(row, 0, "name"), provider: try text(row, 1, "key_store_provider_name"),
                                                 keyPath: try text(row, 2, "key_path")),
                            algorithm: try text(row, 3, "encryption_algorithm_name"), encryptedValue: value)
        }
    }

    // MARK: columns

    public static func encryptedColumns(of table: String, in db: any TableDatabase) async throws -> [EncryptedColumn] {
        guard try await exists(in: db) else { return [] }
        let p = db.dialect.placeholder
        let rows = try await db.query("""
            SELECT column_name, column_encryption_key_name, encryption_type, encryption_algorithm_name, plaintext_type
            FROM ae_encrypted_columns WHERE lower(table_name) = lower(\(p(1))) ORDER BY column_name
            """, [.text(table)])
        return try rows.map { row in
            let column = try text(row, 0, "column_name")
            let where_ = "ae_encrypted_columns row for \(table).\(column)"
            guard try text(row, 3, "encryption_algorithm_name") == cellAlgorithm else {
                throw TableError(.schemaMismatch, "\(where_): unsupported encryption algorithm")
            }
            let type: EncryptionType
            switch try text(row, 2, "encryption_type") {
            case "DETERMINISTIC": type = .deterministic
            case "RANDOMIZED": type = .randomized
            default: throw TableError(.schemaMismatch, "\(where_): encryption_type must be DETERMINISTIC or RANDOMIZED")
            }
            let plaintext: SQLServerType
            let declaration = try text(row, 4, "plaintext_type")
            do { plaintext = try SQLServerType(declaration: declaration) } catch {
                throw TableError(.schemaMismatch, "\(where_): \(error)")
            }
            return EncryptedColumn(column: column, key: try text(row, 1, "column_encryption_key_name"),
                                   encryptionType: type, plaintextType: plaintext)
        }
    }

    static func addEncryptedColumn(_ column: EncryptedColumn, table: String, in db: any TableDatabase) async throws {
        let p = db.dialect.placeholder
        try await db.query("INSERT INTO ae_encrypted_columns VALUES (\(p(1)), \(p(2)), \(p(3)), \(p(4)), \(p(5)), \(p(6)))", [
            .text(table), .text(column.column), .text(column.key),
            .text(column.encryptionType == .deterministic ? "DETERMINISTIC" : "RANDOMIZED"),
            .text(cellAlgorithm), .text(column.plaintextType.declaration),
        ])
    }

    private static func text(_ row: [DatabaseValue], _ index: Int, _ what: String) throws -> String {
        guard index < row.count, case .text(let value) = row[index] else {
            throw TableError(.database, "\(what) is not text")
        }
        return value
    }
}
