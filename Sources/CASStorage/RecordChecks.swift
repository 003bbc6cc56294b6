import CASCore
import Foundation

/// Shape checks both stores apply before writing, so they refuse the same records.
enum RecordChecks {
    static func name(_ value: String, _ field: String) throws(CASStoreError) {
        guard !value.isEmpty else { throw CASStoreError(.invalidRecord, "\(field) is empty") }
        guard value.utf8.count <= 255 else { throw CASStoreError(.invalidRecord, "\(field) is longer than 255 bytes") }
    }

    static func hash(_ value: String, _ field: String) throws(CASStoreError) {
        guard value.utf8.count == 64, value.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw CASStoreError(.invalidRecord, "\(field) is not 64 lowercase hex characters")
        }
    }

    static func policyVersion(_ record: PolicyVersionRecord) throws(CASStoreError) {
        try name(record.name, "policy_versions.name")
        guard record.version >= 1 else { throw CASStoreError(.invalidRecord, "policy_versions.version must be 1 or more") }
        try hash(record.hash, "policy_versions.hash")
        if let previous = record.previous { try hash(previous, "policy_versions.previous") }
        guard (record.version == 1) == (record.previous == nil) else {
            throw CASStoreError(.invalidRecord, "policy_versions.previous is required iff version > 1")
        }
    }

    static func secret(_ record: SecretRecord) throws(CASStoreError) {
        try name(record.policy, "secrets.policy")
        try name(record.name, "secrets.name")
    }

    static func masterKey(_ record: MasterKeyRecord) throws(CASStoreError) {
        try name(record.id, "master_keys.id")
        try name(record.policy, "master_keys.policy")
    }

    static func node(_ record: TrustedNodeRecord) throws(CASStoreError) {
        try name(record.keyID, "nodes.key_id")
        try name(record.name, "nodes.name")
        guard !record.publicKey.isEmpty else { throw CASStoreError(.invalidRecord, "nodes.public_key is empty") }
    }

    static func record(kind: String, key: String) throws(CASStoreError) {
        try name(kind, "records.kind")
        guard !key.isEmpty, key.utf8.count <= 1024 else { throw CASStoreError(.invalidRecord, "records.key must be 1 to 1024 bytes") }
    }

    static func replay(_ digest: [UInt8]) throws(CASStoreError) {
        guard digest.count == 32 else { throw CASStoreError(.invalidRecord, "replays.digest must be 32 bytes, got \(digest.count)") }
    }

    static func nonce(_ nonce: [UInt8]) throws(CASStoreError) {
        guard (16...64).contains(nonce.count) else {
            throw CASStoreError(.invalidRecord, "nonce must be 16 to 64 bytes, got \(nonce.count)")
        }
    }

    static func metaKey(_ key: String) throws(CASStoreError) {
        try name(key, "meta.key")
        guard !key.hasPrefix(SchemaVersion.reservedPrefix) else {
            throw CASStoreError(.invalidRecord, "meta key \"\(key)\" is reserved for the store")
        }
    }

    /// The builder's output must chain: a real hash, and JSON that is not empty.
    static func auditEntry(_ text: AuditEntryText) throws(CASStoreError) {
        try hash(text.hash, "audit.hash")
        guard !text.json.isEmpty else { throw CASStoreError(.invalidRecord, "audit.entry is empty") }
        if let policy = text.policy { try name(policy, "audit.policy") }
    }

    static func checkpoint(_ record: AuditCheckpointRecord) throws(CASStoreError) {
        guard record.seq >= 1 else { throw CASStoreError(.invalidRecord, "checkpoints.seq must be 1 or more") }
        try hash(record.hash, "checkpoints.hash")
        try name(record.kid, "checkpoints.kid")
    }

    static func page(from: Int64, limit: Int) throws(CASStoreError) {
        guard limit >= 0 else { throw CASStoreError(.invalidRecord, "limit must not be negative") }
    }
}

/// The schema version both stores write under meta key `schema.version`.
enum SchemaVersion {
    static let reservedPrefix = "schema."
    static let key = "schema.version"
    static let current = 2

    static func decode(_ bytes: [UInt8]) throws(CASStoreError) -> Int {
        guard let version = Int(String(decoding: bytes, as: UTF8.self)), version >= 1 else {
            throw CASStoreError(.corrupt, "meta \(key) is not a positive integer")
        }
        return version
    }

    static func check(_ stored: Int) throws(CASStoreError) {
        guard stored <= current else {
            throw CASStoreError(.unsupportedSchema, "database schema version \(stored) is newer than this build's \(current)")
        }
    }
}

/// `policy_versions.signatures` holds the wire JSON `[{"key_id": …, "signature": "<base64>"}]`.
enum SignatureColumn {
    static func encode(_ signatures: [PolicySignatureRecord]) throws(CASStoreError) -> String {
        do {
            return String(decoding: try JSONEncoder().encode(signatures), as: UTF8.self)
        } catch {
            throw CASStoreError(.invalidRecord, "policy_versions.signatures do not encode")
        }
    }

    static func decode(_ text: String) throws(CASStoreError) -> [PolicySignatureRecord] {
        do {
            return try JSONDecoder().decode([PolicySignatureRecord].self, from: Data(text.utf8))
        } catch {
            throw CASStoreError(.corrupt, "policy_versions.signatures is not a JSON signature list")
        }
    }
}

/// SQLite stores instants as integer microseconds since 1970 (PostgreSQL's precision).
enum Microseconds {
    static func from(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    static func date(_ value: Int64) -> Date {
        Date(timeIntervalSince1970: Double(value) / 1_000_000)
    }
}
