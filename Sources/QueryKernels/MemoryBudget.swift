import Synchronization

/// Bytes held by the operators of one query, shared across threads, with a hard limit:
/// exceeding it is a clear error, never an out-of-memory kill.
public final class MemoryBudget: Sendable {
    public let limit: Int
    /// How the limit came about (`--memory-limit`, the default share of memory), for errors.
    private let origin: String
    private let used = Atomic<Int>(0)
    private let spilled = Atomic<Int>(0)

    /// `limit` in bytes; `Int.max` for no limit.
    public init(limit: Int = .max) {
        self.limit = limit
        origin = "--memory-limit"
    }

    public init(_ limit: MemoryLimit) {
        self.limit = limit.bytes
        origin = limit.origin
    }

    /// Throws the memory-limit error when `bytes` more would not fit (charges nothing): for
    /// operators about to allocate an output they can size beforehand.
    public func ensureRoom(for bytes: Int) throws(QueryError) {
        let (total, overflow) = used.load(ordering: .relaxed).addingReportingOverflow(max(0, bytes))
        if overflow || total > limit { throw exceeded(overflow ? Int.max : total) }
    }

    /// The memory-limit error for an operator that needs `bytes` more than what is held now.
    public func exceededError(adding bytes: Int) -> QueryError {
        let (total, overflow) = usedBytes.addingReportingOverflow(max(0, bytes))
        return exceeded(overflow ? Int.max : max(total, limit + 1))
    }

    private func exceeded(_ total: Int) -> QueryError {
        QueryError(.memoryLimit, "the query needs \(MemoryLimit.text(total)) of memory, over \(origin == "--memory-limit" ? "--memory-limit" : origin) of \(MemoryLimit.text(limit))")
    }

    public var usedBytes: Int { used.load(ordering: .relaxed) }

    /// Bytes operators have written to spill files (encrypted) under this budget.
    public var spilledBytes: Int { spilled.load(ordering: .relaxed) }

    func recordSpill(_ bytes: Int) { spilled.add(bytes, ordering: .relaxed) }

    /// Charges `bytes`; throws (and charges nothing) when the total would exceed the limit.
    public func charge(_ bytes: Int) throws(QueryError) {
        guard bytes > 0 else { return }
        var current = used.load(ordering: .relaxed)
        while true {
            let (total, overflow) = current.addingReportingOverflow(bytes)
            if overflow || total > limit { throw exceeded(overflow ? Int.max : total) }
            let (exchanged, original) = used.compareExchange(expected: current, desired: total, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// Gives back what was charged since `usedBytes` was `mark` (an attempt that failed or whose
    /// tables are gone; operators of one query run one after another around such attempts).
    public func release(down mark: Int) {
        release(usedBytes - mark)
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

    /// Gives everything charged back (after the operator spilled what it held).
    mutating func release() {
        budget?.release(charged)
        charged = 0
    }
}
