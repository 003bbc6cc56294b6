import Columnar

/// One ORDER BY key. DuckDB's default is NULLS LAST for both ASC and DESC.
public struct SortKey: Sendable, Hashable {
    public var expression: PhysicalExpression
    public var ascending: Bool
    public var nullsFirst: Bool

    public init(_ expression: PhysicalExpression, ascending: Bool = true, nullsFirst: Bool = false) {
        self.expression = expression
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }
}

/// Sort keys in a form that compares fast: integers (doubles as order keys), wide ints or bytes.
struct SortColumns {
    enum Keys { case int([Int64]), wide([Int128]), bytes(ByteArrays) }
    var keys: [(Keys, valid: [Bool]?, ascending: Bool, nullsFirst: Bool)] = []

    init(_ sortKeys: [SortKey], on batch: RecordBatch) throws(QueryError) {
        let ev = Evaluation(batch: batch)
        for k in sortKeys {
            let v = try ev.eval(k.expression)
            let keys: Keys
            switch v.values {
            case .int(let x): keys = .int(x)
            case .double(let x): keys = .int(x.map(doubleKey))
            case .bool(let x): keys = .int(x.map { $0 ? 1 : 0 })
            case .wide(let x): keys = .wide(x)
            case .bytes(let b): keys = .bytes(b)
            }
            self.keys.append((keys, v.validity, k.ascending, k.nullsFirst))
        }
    }

    /// Whether row a sorts before row b.
    func less(_ a: Int, _ b: Int) -> Bool {
        for (keys, valid, ascending, nullsFirst) in keys {
            let va = valid?[a] ?? true, vb = valid?[b] ?? true
            if va != vb { return nullsFirst ? !va : va }
            if !va { continue }
            var c = 0
            switch keys {
            case .int(let x): c = x[a] < x[b] ? -1 : (x[a] > x[b] ? 1 : 0)
            case .wide(let x): c = x[a] < x[b] ? -1 : (x[a] > x[b] ? 1 : 0)
            case .bytes(let s):
                c = s.data.withUnsafeBufferPointer { d in
                    let sa = Int(s.offsets[a]), sb = Int(s.offsets[b])
                    return compareBytes(d, sa, Int(s.offsets[a + 1]) - sa, d, sb, Int(s.offsets[b + 1]) - sb)
                }
            }
            if c != 0 { return ascending ? c < 0 : c > 0 }
        }
        return false
    }

    /// Row order (stable: equal rows keep input order).
    func permutation(rows n: Int) -> [Int32] {
        var idx = (0..<n).map { Int32($0) }
        idx.sort { a, b in less(Int(a), Int(b)) || (!less(Int(b), Int(a)) && a < b) }
        return idx
    }
}

/// ORDER BY: collects all batches, sorts once at `finish`.
public struct Sort: Sendable {
    public let keys: [SortKey]
    public let schema: Schema
    private var batches: [RecordBatch] = []
    private var charge: MemoryCharge
    private var bytes = 0

    public init(keys: [SortKey], schema: Schema, budget: MemoryBudget? = nil) {
        self.keys = keys
        self.schema = schema
        charge = MemoryCharge(budget)
    }

    public mutating func consume(_ batch: RecordBatch) throws(QueryError) {
        guard batch.rowCount > 0 else { return }
        bytes += batch.columns.reduce(0) { $0 + $1.approximateByteSize }
        try charge.grow(to: bytes)
        batches.append(batch)
    }

    public func finish() throws(QueryError) -> RecordBatch {
        let all = try Concatenate.batches(batches, schema: schema)
        guard all.rowCount > 1 else { return all }
        let order = try SortColumns(keys, on: all).permutation(rows: all.rowCount)
        return all.take(Selection(order))
    }
}

/// ORDER BY … LIMIT n [OFFSET m]: keeps only the best `limit + offset` rows as batches arrive.
public struct TopN: Sendable {
    public let keys: [SortKey]
    public let schema: Schema
    public let limit: Int
    public let offset: Int
    private var kept: RecordBatch?
    private var pending: [RecordBatch] = []
    private var pendingRows = 0

    public init(keys: [SortKey], schema: Schema, limit: Int, offset: Int = 0) {
        self.keys = keys
        self.schema = schema
        self.limit = max(0, limit)
        self.offset = max(0, offset)
    }

    public mutating func consume(_ batch: RecordBatch) throws(QueryError) {
        guard batch.rowCount > 0, limit > 0 else { return }
        pending.append(batch)
        pendingRows += batch.rowCount
        if pendingRows > max(4096, 2 * (limit + offset)) { try compact() }
    }

    /// Merges the pending rows into the kept ones and drops all but the best.
    private mutating func compact() throws(QueryError) {
        var parts = pending
        if let kept { parts.insert(kept, at: 0) }
        pending = []; pendingRows = 0
        let all = try Concatenate.batches(parts, schema: schema)
        var order = try SortColumns(keys, on: all).permutation(rows: all.rowCount)
        if order.count > limit + offset { order.removeLast(order.count - limit - offset) }
        kept = all.take(Selection(order))
    }

    public mutating func finish() throws(QueryError) -> RecordBatch {
        try compact()
        let all = kept!
        let end = min(all.rowCount, offset + limit)
        return offset >= end ? all.slice(0..<0) : all.slice(offset..<end)
    }
}

/// LIMIT n OFFSET m over a stream of batches.
public struct Limit: Sendable {
    public let limit: Int
    public let offset: Int
    private var skipped = 0
    private var emitted = 0

    public init(limit: Int, offset: Int = 0) {
        self.limit = max(0, limit)
        self.offset = max(0, offset)
    }

    /// True once `limit` rows have been passed on: the caller can stop reading.
    public var isFinished: Bool { emitted >= limit }

    /// The part of `batch` that passes (possibly empty).
    public mutating func consume(_ batch: RecordBatch) -> RecordBatch {
        var start = 0
        if skipped < offset {
            start = min(batch.rowCount, offset - skipped)
            skipped += start
        }
        let take = min(batch.rowCount - start, limit - emitted)
        emitted += take
        if start == 0 && take == batch.rowCount { return batch }
        return batch.slice(start..<start + take)
    }
}
