import Foundation

/// A signed checkpoint of the audit chain: ES256 by the audit key (`kid`) over
/// `"strongroom-audit-v1\n" + seq + "\n" + hash`. One per seq; the first one stored is kept.
public struct AuditCheckpointRecord: Sendable, Hashable {
    public var seq: Int64
    public var hash: String
    public var time: Date
    public var kid: String
    public var signature: [UInt8]

    public init(seq: Int64, hash: String, time: Date, kid: String, signature: [UInt8]) {
        self.seq = seq
        self.hash = hash
        self.time = time
        self.kid = kid
        self.signature = signature
    }
}
