import Foundation

/// Typed, authenticated records in the store's `records` table: value = MAC(32) ‖ JSON payload,
/// the MAC (`Sealer.mac`) covering kind, key and payload. CAS writes them; anything else that
/// lands in the table fails `open` and is treated as tampering.
public struct RecordBook: Sendable {
    let store: any CASStore
    let sealer: Sealer

    public init(store: any CASStore, sealer: Sealer) {
        self.store = store
        self.sealer = sealer
    }

    /// A decoded record and the exact stored bytes (for a later compare-and-swap).
    public struct Entry<Payload: Sendable>: Sendable {
        public var payload: Payload
        public var stored: [UInt8]
    }

    public func seal<Payload: Encodable>(_ payload: Payload, kind: RecordKind, key: String) throws(CASError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        guard let json = try? encoder.encode(payload) else {
            throw CASError(.internalFailure, "a \(kind.rawValue) record does not encode")
        }
        let body = [UInt8](json)
        return sealer.mac(table: "records", fields: [Array(kind.rawValue.utf8), Array(key.utf8), body]) + body
    }

    /// Decodes a stored value; `StoreTampering` when its MAC does not verify or it does not decode.
    public func open<Payload: Decodable & Sendable>(_ value: [UInt8], kind: RecordKind, key: String, as type: Payload.Type)
        throws(StoreTampering) -> Payload
    {
        guard value.count > 32 else { throw StoreTampering(table: "records", row: "\(kind.rawValue)/\(key)", "too short to carry a MAC") }
        let body = Array(value[32...])
        guard sealer.verifyMAC(Array(value[..<32]), table: "records", fields: [Array(kind.rawValue.utf8), Array(key.utf8), body]) else {
            throw StoreTampering(table: "records", row: "\(kind.rawValue)/\(key)", "its MAC does not verify (not written by this CAS)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        guard let payload = try? decoder.decode(type, from: Data(body)) else {
            throw StoreTampering(table: "records", row: "\(kind.rawValue)/\(key)", "its content does not decode")
        }
        return payload
    }

    public func read<Payload: Decodable & Sendable>(_ kind: RecordKind, key: String, as type: Payload.Type) async throws -> Entry<Payload>? {
        guard let value = try await store.record(kind: kind.rawValue, key: key) else { return nil }
        return Entry(payload: try open(value, kind: kind, key: key, as: type), stored: value)
    }

    /// Every record of a kind; tampered ones are returned separately (callers audit and skip them).
    public func all<Payload: Decodable & Sendable>(_ kind: RecordKind, as type: Payload.Type) async throws
        -> (valid: [(key: String, payload: Payload)], tampered: [StoreTampering])
    {
        var valid: [(String, Payload)] = []
        var tampered: [StoreTampering] = []
        for record in try await store.records(kind: kind.rawValue) {
            do { valid.append((record.key, try open(record.value, kind: kind, key: record.key, as: type))) } catch {
                tampered.append(error)
            }
        }
        return (valid, tampered)
    }

    /// Inserts a new record; `.conflict` (CASStoreError) when the key exists.
    public func insert<Payload: Encodable>(_ payload: Payload, kind: RecordKind, key: String) async throws {
        try await store.insertRecord(StoredRecord(kind: kind.rawValue, key: key, value: try seal(payload, kind: kind, key: key)))
    }

    /// The swap that replaces `expected` (nil: absent) with `payload`.
    public func swap<Payload: Encodable>(_ payload: Payload, kind: RecordKind, key: String, expected: [UInt8]?) throws(CASError) -> RecordSwap {
        RecordSwap(kind: kind.rawValue, key: key, expected: expected, value: try seal(payload, kind: kind, key: key))
    }
}

/// The kinds of authenticated records.
public struct RecordKind: Hashable, Sendable {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Per policy: the current version, its first version, token revocations (`PolicyHead`).
    public static let policyHead = RecordKind("policy-head")
    /// Auditors the administrator registered: they read the whole audit chain (`NamedPublicKey`).
    public static let auditor = RecordKind("auditor")
    /// Grants an attested job obtained for its helpers (`HelperGrant`).
    public static let grant = RecordKind("grant")
    /// Who wrapped a data key under a master key (`WrappedKeyOrigin`).
    public static let wrappedKey = RecordKind("wrapped-key")
    /// The last audit checkpoint CAS signed (`AuditCheckpointMark`).
    public static let auditMark = RecordKind("audit-mark")
}

/// A row of CAS's store that CAS did not write (or that was changed since): refused, audited.
public struct StoreTampering: Error, Sendable, CustomStringConvertible {
    public var table: String
    public var row: String
    public var reason: String

    public init(table: String, row: String, _ reason: String) {
        self.table = table
        self.row = row
        self.reason = reason
    }

    public var description: String { "\(table) row \(row): \(reason)" }
}
