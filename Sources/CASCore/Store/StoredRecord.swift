/// One authenticated record as the store keeps it: an opaque value under (kind, key). The value
/// carries its own MAC (CASCore's `RecordBook`), so a row written by anyone but CAS is noticed.
public struct StoredRecord: Sendable, Hashable {
    public var kind: String
    public var key: String
    public var value: [UInt8]

    public init(kind: String, key: String, value: [UInt8]) {
        self.kind = kind
        self.key = key
        self.value = value
    }
}

/// A compare-and-swap of one record: `value` replaces the record only while it still holds
/// `expected` (nil: the record must not exist yet).
public struct RecordSwap: Sendable, Hashable {
    public var kind: String
    public var key: String
    public var expected: [UInt8]?
    public var value: [UInt8]

    public init(kind: String, key: String, expected: [UInt8]?, value: [UInt8]) {
        self.kind = kind
        self.key = key
        self.expected = expected
        self.value = value
    }

    public var record: StoredRecord { StoredRecord(kind: kind, key: key, value: value) }
}
