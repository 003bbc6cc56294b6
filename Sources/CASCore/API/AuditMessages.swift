import Foundation

/// `GET /v1/audit?from=SEQ&limit=N&policy=P`.
public struct AuditQuery: Sendable, Equatable {
    public static let defaultLimit = 1000
    public static let maximumLimit = 10_000

    /// First sequence number wanted (entries start at 1).
    public var from: Int
    public var limit: Int
    public var policy: String?

    public init(from: Int = 1, limit: Int = AuditQuery.defaultLimit, policy: String? = nil) {
        self.from = from
        self.limit = limit
        self.policy = policy
    }

    /// The query string this query is sent as, keys in a fixed order so a signature covers
    /// exactly what the server sees.
    public var queryString: String {
        var items = ["from=\(from)", "limit=\(limit)"]
        if let policy { items.append("policy=\(Self.percentEncode(policy))") }
        return items.joined(separator: "&")
    }

    static func percentEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// One audit chain entry as served and exported. `hash` = hex SHA-256 of
/// `prev + "\n" + canonical JSON of the entry without "hash"`.
public struct WireAuditEntry: Sendable, Codable, Equatable {
    public var seq: Int64
    public var time: String
    public var type: String
    public var policy: String?
    public var service: String?
    public var actor: String?
    public var decision: String?
    public var reason: String?
    public var details: [String: WireValue]
    public var prev: String
    public var hash: String

    public init(
        seq: Int64, time: String, type: String, policy: String? = nil, service: String? = nil,
        actor: String? = nil, decision: String? = nil, reason: String? = nil,
        details: [String: WireValue] = [:], prev: String, hash: String
    ) {
        self.seq = seq
        self.time = time
        self.type = type
        self.policy = policy
        self.service = service
        self.actor = actor
        self.decision = decision
        self.reason = reason
        self.details = details
        self.prev = prev
        self.hash = hash
    }
}

/// A signed checkpoint: ES256 by the audit key over `"strongroom-audit-v1\n" + seq + "\n" + hash`.
public struct WireAuditCheckpoint: Sendable, Codable, Equatable {
    public var seq: Int64
    public var hash: String
    public var time: String
    public var kid: String
    /// base64 of the raw (r ‖ s) ES256 signature.
    public var signature: String

    public init(seq: Int64, hash: String, time: String, kid: String, signature: String) {
        self.seq = seq
        self.hash = hash
        self.time = time
        self.kid = kid
        self.signature = signature
    }
}

public struct AuditPage: Sendable, Codable, Equatable {
    public var entries: [WireAuditEntry]
    public var checkpoints: [WireAuditCheckpoint]

    public init(entries: [WireAuditEntry], checkpoints: [WireAuditCheckpoint]) {
        self.entries = entries
        self.checkpoints = checkpoints
    }
}
