/// Schema versions 1 and 2 in PostgreSQL types (a new database runs both). One statement per string: the extended query
/// protocol runs a single statement at a time.
enum PostgresSchema {
    /// Any constant: the advisory lock that serialises two stores migrating one database.
    static let migrationLockID: Int64 = 0x5354_524F_4E47_0001

    static let meta = "CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY, value bytea NOT NULL)"

    static let version1 = [
        """
        CREATE TABLE policy_versions (
            name text NOT NULL, version bigint NOT NULL, hash text NOT NULL, previous text,
            yaml bytea NOT NULL, signatures text NOT NULL, applied_at timestamptz NOT NULL,
            PRIMARY KEY (name, version))
        """,
        """
        CREATE TABLE secrets (
            policy text NOT NULL, name text NOT NULL, sealed bytea NOT NULL,
            created_at timestamptz NOT NULL, PRIMARY KEY (policy, name))
        """,
        "CREATE TABLE master_keys (id text PRIMARY KEY, policy text NOT NULL, sealed bytea NOT NULL)",
        "CREATE INDEX master_keys_by_policy ON master_keys (policy, id)",
        "CREATE TABLE nonces (nonce bytea PRIMARY KEY, expires_at timestamptz NOT NULL)",
        "CREATE INDEX nonces_by_expiry ON nonces (expires_at)",
        "CREATE TABLE nodes (key_id text PRIMARY KEY, name text NOT NULL, public_key text NOT NULL)",
        "CREATE TABLE audit (seq bigint PRIMARY KEY, hash text NOT NULL, entry text NOT NULL, policy text)",
        "CREATE INDEX audit_by_policy ON audit (policy, seq)",
        // The head row is what appendAudit locks (SELECT … FOR UPDATE): one writer at a time.
        """
        CREATE TABLE audit_head (
            id smallint PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash text NOT NULL)
        """,
        """
        CREATE TABLE checkpoints (
            seq bigint PRIMARY KEY, hash text NOT NULL, time timestamptz NOT NULL, kid text NOT NULL,
            signature bytea NOT NULL)
        """,
    ]

    /// Version 2 (issue 13): CAS MACs on policy versions and nodes, master keys scoped per
    /// policy, authenticated records, the replay cache.
    static let version2 = [
        "ALTER TABLE policy_versions ADD COLUMN mac bytea NOT NULL DEFAULT ''::bytea",
        "ALTER TABLE nodes ADD COLUMN mac bytea NOT NULL DEFAULT ''::bytea",
        "ALTER TABLE master_keys DROP CONSTRAINT master_keys_pkey",
        "ALTER TABLE master_keys ADD PRIMARY KEY (policy, id)",
        "DROP INDEX master_keys_by_policy",
        "CREATE TABLE records (kind text NOT NULL, key text NOT NULL, value bytea NOT NULL, PRIMARY KEY (kind, key))",
        "CREATE TABLE replays (digest bytea PRIMARY KEY, expires_at timestamptz NOT NULL)",
        "CREATE INDEX replays_by_expiry ON replays (expires_at)",
    ]
}
