/// Schema versions 1 and 2 in SQLite types (a new database runs both). Instants are integer microseconds since 1970.
enum SQLiteSchema {
    static let meta = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)"

    static let version1 = """
        CREATE TABLE policy_versions (
            name TEXT NOT NULL, version INTEGER NOT NULL, hash TEXT NOT NULL, previous TEXT,
            yaml BLOB NOT NULL, signatures TEXT NOT NULL, applied_at INTEGER NOT NULL,
            PRIMARY KEY (name, version));
        CREATE TABLE secrets (
            policy TEXT NOT NULL, name TEXT NOT NULL, sealed BLOB NOT NULL, created_at INTEGER NOT NULL,
            PRIMARY KEY (policy, name));
        CREATE TABLE master_keys (id TEXT PRIMARY KEY, policy TEXT NOT NULL, sealed BLOB NOT NULL);
        CREATE INDEX master_keys_by_policy ON master_keys (policy, id);
        CREATE TABLE nonces (nonce BLOB PRIMARY KEY, expires_at INTEGER NOT NULL);
        CREATE INDEX nonces_by_expiry ON nonces (expires_at);
        CREATE TABLE nodes (key_id TEXT PRIMARY KEY, name TEXT NOT NULL, public_key TEXT NOT NULL);
        CREATE TABLE audit (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, entry TEXT NOT NULL, policy TEXT);
        CREATE INDEX audit_by_policy ON audit (policy, seq);
        CREATE TABLE checkpoints (
            seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, time INTEGER NOT NULL, kid TEXT NOT NULL,
            signature BLOB NOT NULL);
        """

    /// Version 2 (issue 13): CAS MACs on policy versions and nodes, master keys scoped per
    /// policy, authenticated records, the replay cache.
    static let version2 = """
        ALTER TABLE policy_versions ADD COLUMN mac BLOB NOT NULL DEFAULT x'';
        ALTER TABLE nodes ADD COLUMN mac BLOB NOT NULL DEFAULT x'';
        CREATE TABLE master_keys_v2 (
            policy TEXT NOT NULL, id TEXT NOT NULL, sealed BLOB NOT NULL, PRIMARY KEY (policy, id));
        INSERT INTO master_keys_v2 (policy, id, sealed) SELECT policy, id, sealed FROM master_keys;
        DROP TABLE master_keys;
        ALTER TABLE master_keys_v2 RENAME TO master_keys;
        CREATE TABLE records (kind TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (kind, key));
        CREATE TABLE replays (digest BLOB PRIMARY KEY, expires_at INTEGER NOT NULL);
        CREATE INDEX replays_by_expiry ON replays (expires_at);
        """
}
