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
    func less(_ a: Int, _ b: Int) -> Bool { Self.less(self, a, self, b) }

    /// Whether row `a` of `x` sorts before row `b` of `y` (keys of the same sort over two batches).
    static func less(_ x: SortColumns, _ a: Int, _ y: SortColumns, _ b: Int) -> Bool {
        for k in x.keys.indices {
            let (xKeys, xValid, ascending, nullsFirst) = x.keys[k]
            let (yKeys, yValid, _, _) = y.keys[k]
            let va = xValid?[a] ?? true, vb = yValid?[b] ?? true
            if va != vb { return nullsFirst ? !va : va }
            if !va { continue }
            var c = 0
            switch (xKeys, yKeys) {
            case (.int(let p), .int(let q)): c = p[a] < q[b] ? -1 : (p[a] > q[b] ? 1 : 0)
            case (.wide(let p), .wide(let q)): c = p[a] < q[b] ? -1 : (p[a] > q[b] ? 1 : 0)
            case (.bytes(let s), .bytes(let t)):
                c = s.data.withUnsafeBufferPointer { d in
                    t.data.withUnsafeBufferPointer { e in
                        let sa = Int(s.offsets[a]), tb = Int(t.offsets[b])
                        return compareBytes(d, sa, Int(s.offsets[a + 1]) - sa, e, tb, Int(t.offsets[b + 1]) - tb)
                    }
                }
            default: c = 0  // same expressions over the same schema give the same key kinds
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

/// ORDER BY: collects the batches and sorts them at `finish`. Over the memory limit it spills:
/// what it holds is sorted and written as a run to an encrypted spill file, and `finish` merges
/// the runs (external merge sort), holding one block of each run at a time.
public struct Sort: Sendable {
    public let keys: [SortKey]
    public let schema: Schema
    private var batches: [RecordBatch] = []
    private var charge: MemoryCharge
    private var bytes = 0
    private var runs: [SpillFile] = []
    /// Rows per block of a spilled run and per merged output batch.
    static let blockRows = 4096

    public init(keys: [SortKey], schema: Schema, budget: MemoryBudget? = nil) {
        self.keys = keys
        self.schema = schema
        charge = MemoryCharge(budget)
    }

    /// Runs spilled so far (for tests and EXPLAIN ANALYZE-style reports).
    public var spilledRuns: Int { runs.count }

    public mutating func consume(_ batch: RecordBatch) throws(QueryError) {
        guard batch.rowCount > 0 else { return }
        bytes += batch.columns.reduce(0) { $0 + $1.approximateByteSize }
        batches.append(batch)
        do {
            try charge.grow(to: bytes)
        } catch where error.code == .memoryLimit {
            try spillRun()
        }
    }

    /// Sorts what is held, writes it as a run and gives its memory back.
    private mutating func spillRun() throws(QueryError) {
        let sorted = try sortedHeld()
        let run = try SpillFile(budget: charge.budget)
        var start = 0
        while start < sorted.rowCount {
            let end = min(sorted.rowCount, start + Self.blockRows)
            try run.append(sorted.slice(start..<end))
            start = end
        }
        runs.append(run)
        batches = []
        bytes = 0
        charge.release()
    }

    private func sortedHeld() throws(QueryError) -> RecordBatch {
        let all = try Concatenate.batches(batches, schema: schema)
        guard all.rowCount > 1 else { return all }
        let order = try SortColumns(keys, on: all).permutation(rows: all.rowCount)
        return all.take(Selection(order))
    }

    public mutating func finish() throws(QueryError) -> [RecordBatch] {
        if runs.isEmpty { return [try sortedHeld()] }
        if !batches.isEmpty { try spillRun() }
        var merge = try RunMerge(runs: runs, keys: keys, schema: schema)
        return try merge.all()
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
