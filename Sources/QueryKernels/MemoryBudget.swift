import Synchronization

/// Bytes held by the operators of one query, shared across threads, with a hard limit:
/// exceeding it is a clear error, never an out-of-memory kill.
public final class MemoryBudget: Sendable {
    public let limit: Int
    private let used = Atomic<Int>(0)

    /// `limit` in bytes; `Int.max` for no limit.
    public init(limit: Int = .max) { self.limit = limit }

    public var usedBytes: Int { used.load(ordering: .relaxed) }

    /// Charges `bytes`; throws (and charges nothing) when the total would exceed the limit.
    public func charge(_ bytes: Int) throws(QueryError) {
        guard bytes > 0 else { return }
        var current = used.load(ordering: .relaxed)
        while true {
            let (total, overflow) = current.addingReportingOverflow(bytes)
            if overflow || total > limit {
                throw QueryError(.memoryLimit, "query memory of \(overflow ? Int.max : total) bytes exceeds --memory-limit of \(limit) bytes")
            }
            let (exchanged, original) = used.compareExchange(expected: current, desired: total, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    public func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        used.subtract(bytes, ordering: .relaxed)
    }
}

/// What one operator has charged to a budget, so it can grow its charge as its tables grow.
struct MemoryCharge: Sendable {
    let budget: MemoryBudget?
    private(set) var charged = 0

    init(_ budget: MemoryBudget?) { self.budget = budget }

    /// Raises the charge to `bytes` if it is larger than what is already charged.
    mutating func grow(to bytes: Int) throws(QueryError) {
        guard let budget, bytes > charged else { return }
        try budget.charge(bytes - charged)
        charged = bytes
    }
}
