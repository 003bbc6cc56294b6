import Crypto
import Foundation

/// What happened, before the log gives it a place: the CAS service builds events, the store's
/// serialised append turns each into the next `AuditEntry`. Never a secret, key or data value.
public struct AuditEvent: Sendable, Equatable {
    public var type: AuditEventType
    public var policy: String?
    public var service: String?
    public var actor: String?
    public var decision: String?
    public var reason: String?
    public var details: [String: JSONValue]

    public init(type: AuditEventType, policy: String? = nil, service: String? = nil, actor: String? = nil,
                decision: String? = nil, reason: String? = nil, details: [String: JSONValue] = [:]) {
        self.type = type
        self.policy = policy
        self.service = service
        self.actor = actor
        self.decision = decision
        self.reason = reason
        self.details = details
    }
}

public struct AuditEventType: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let policyApplied = Self("policy.applied")
    public static let policyRefused = Self("policy.refused")
    public static let attestAllowed = Self("attest.allowed")
    public static let attestRefused = Self("attest.refused")
    public static let secretReleased = Self("secret.released")
    public static let kmsUnwrap = Self("kms.unwrap")
    public static let kmsWrap = Self("kms.wrap")
    public static let kmsRefused = Self("kms.refused")
    public static let nodeTrusted = Self("node.trusted")
    public static let casUnsealed = Self("cas.unsealed")
}

/// One link of the audit hash chain (docs/design/cas.md "Audit chain"):
/// hash = hex SHA-256(prev + "\n" + canonical JSON of the entry without "hash").
public struct AuditEntry: Sendable, Equatable {
    public var seq: Int64
    /// RFC 3339 UTC with seconds, kept as text so the hashed bytes never depend on a formatter.
    public var time: String
    public var event: AuditEvent
    public var prev: String
    public var hash: String

    /// The next entry after `previous` (nil for the first), hash computed.
    public init(event: AuditEvent, after previous: AuditEntry?, time: Date) {
        self.init(event: event, seq: (previous?.seq ?? 0) + 1, time: AuditChain.timestamp(time),
                  prev: previous?.hash ?? AuditChain.genesisHash)
    }

    public init(event: AuditEvent, seq: Int64, time: String, prev: String) {
        self.seq = seq
        self.time = time
        self.event = event
        self.prev = prev
        self.hash = ""
        self.hash = computedHash()
    }

    /// The hash the entry's content calls for (differs from `hash` when the entry was changed).
    public func computedHash() -> String {
        let body = CanonicalJSON.encode(jsonValue(includingHash: false))
        var hasher = SHA256()
        hasher.update(data: Array((prev + "\n").utf8))
        hasher.update(data: body)
        return Hex.encode(hasher.finalize())
    }

    public func jsonValue(includingHash: Bool = true) -> JSONValue {
        var o: [String: JSONValue] = [
            "seq": .integer(seq), "time": .string(time), "type": .string(event.type.rawValue),
            "details": .object(event.details), "prev": .string(prev),
        ]
        if let v = event.policy { o["policy"] = .string(v) }
        if let v = event.service { o["service"] = .string(v) }
        if let v = event.actor { o["actor"] = .string(v) }
        if let v = event.decision { o["decision"] = .string(v) }
        if let v = event.reason { o["reason"] = .string(v) }
        if includingHash { o["hash"] = .string(hash) }
        return .object(o)
    }

    private static let requiredKeys: Set<String> = ["seq", "time", "type", "details", "prev", "hash"]
    private static let optionalKeys: Set<String> = ["policy", "service", "actor", "decision", "reason"]

    /// Strict reading: unknown keys are errors (a field the hash does not cover must not ride along).
    public init(json object: [String: JSONValue]) throws(CASError) {
        for key in object.keys where !Self.requiredKeys.contains(key) && !Self.optionalKeys.contains(key) {
            throw CASError(.malformedRequest, "audit entry has unknown field \"\(key.prefix(32))\"")
        }
        func string(_ key: String) throws(CASError) -> String {
            guard let v = object[key]?.stringValue else { throw CASError(.malformedRequest, "audit entry field \(key) must be a string") }
            return v
        }
        func optional(_ key: String) throws(CASError) -> String? {
            guard let v = object[key] else { return nil }
            guard let s = v.stringValue else { throw CASError(.malformedRequest, "audit entry field \(key) must be a string") }
            return s
        }
        guard let seq = object["seq"]?.integerValue else { throw CASError(.malformedRequest, "audit entry field seq must be an integer") }
        guard let details = object["details"]?.objectValue else {
            throw CASError(.malformedRequest, "audit entry field details must be an object")
        }
        self.seq = seq
        self.time = try string("time")
        self.prev = try string("prev")
        self.hash = try string("hash")
        self.event = AuditEvent(type: AuditEventType(try string("type")), policy: try optional("policy"),
                                service: try optional("service"), actor: try optional("actor"),
                                decision: try optional("decision"), reason: try optional("reason"), details: details)
    }
}

extension AuditEntry: Codable {
    public init(from decoder: any Decoder) throws {
        guard let object = try JSONValue(from: decoder).objectValue else {
            throw CASError(.malformedRequest, "audit entry must be a JSON object")
        }
        try self.init(json: object)
    }

    public func encode(to encoder: any Encoder) throws {
        try jsonValue().encode(to: encoder)
    }
}

/// Chain-wide constants and helpers.
public enum AuditChain {
    public static let genesisHash = String(repeating: "0", count: 64)
    /// A checkpoint is signed every this many entries (and on shutdown and export).
    public static let checkpointInterval: Int64 = 64

    public static func isCheckpointDue(afterSeq seq: Int64) -> Bool { seq > 0 && seq % checkpointInterval == 0 }

    /// RFC 3339 UTC with whole seconds: 2026-11-27T10:00:00Z.
    public static func timestamp(_ date: Date) -> String {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
            .formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }
}
