import Columnar

public enum JoinKind: String, Sendable, Hashable {
    case inner, leftOuter = "left", leftSemi = "semi", leftAnti = "anti"
}

/// Equi-join by hash: `build` the right side's batches, then `probe` left batches one at a time.
/// Output rows: probe columns then build columns (inner, left outer), or probe columns only
/// (semi, anti). NULL keys never match (an anti join keeps probe rows with NULL keys).
public struct HashJoin: Sendable {
    public let kind: JoinKind
    public let probeKeys: [PhysicalExpression]
    public let buildKeys: [PhysicalExpression]
    /// Semi and anti joins: a condition over the probe row's columns followed by the build
    /// row's that a key match must also meet (`EXISTS (… WHERE t.k = o.k AND t.s <> o.s)`).
    public var residual: PhysicalExpression?
    private var buildBatches: [RecordBatch] = []
    private var built: RecordBatch?
    private var table = ByteKeyTable()
    /// First build row of each key, and the next build row with the same key (-1 ends a chain).
    private var heads: [Int32] = []
    private var next: [Int32] = []
    private var charge: MemoryCharge
    private var bytes = 0

    public init(kind: JoinKind, probeKeys: [PhysicalExpression], buildKeys: [PhysicalExpression], budget: MemoryBudget? = nil) throws(QueryError) {
        guard probeKeys.count == buildKeys.count, !probeKeys.isEmpty else {
            throw QueryError(.invalidArgument, "HashJoin needs the same number (≥ 1) of probe and build keys")
        }
        self.kind = kind
        self.probeKeys = probeKeys
        self.buildKeys = buildKeys
        charge = MemoryCharge(budget)
    }

    public mutating func addBuild(_ batch: RecordBatch) throws(QueryError) {
        guard batch.rowCount > 0 else { return }
        bytes += batch.columns.reduce(0) { $0 + $1.approximateByteSize }
        try charge.grow(to: bytes)
        buildBatches.append(batch)
    }

    /// Gives back to the budget what this join charged (its table is about to be dropped).
    public mutating func releaseMemory() { charge.release() }

    /// Builds the hash table; call after the last `addBuild`, before `probe`.
    public mutating func finishBuild(schema: Schema) throws(QueryError) {
        let all = try Concatenate.batches(buildBatches, schema: schema)
        buildBatches = []
        let n = all.rowCount
        let keys = try Self.keyVectors(buildKeys, all, against: nil)
        next = [Int32](repeating: -1, count: n)
        if keys.vectors.count == 1, case .int(let values) = keys.vectors[0].values {
            // One integer-like key: an IntKeyTable instead of RowKeys' byte encoding.
            let key = keys.vectors[0]
            var table = IntKeyTable()
            for i in stride(from: n - 1, through: 0, by: -1) where key.isValid(i) {
                let (id, inserted) = table.findOrInsert(values[i], 0, 0)
                if inserted { heads.append(Int32(i)) } else { next[i] = heads[Int(id)]; heads[Int(id)] = Int32(i); hasUniqueBuildKeys = false }
            }
            intTable = table
            buildTypes = keys.types
            built = all
            bytes += table.byteSize + n * 4
            try charge.grow(to: bytes)
            return
        }
        let rows = RowKeys(keys.vectors, rows: n)
        rows.bytes.withUnsafeBufferPointer { b in
            // Insert in reverse so chains list build rows in input order.
            for i in stride(from: n - 1, through: 0, by: -1) where !rows.hasNull[i] {
                let key = UnsafeBufferPointer(rebasing: b[rows.offsets[i]..<rows.offsets[i + 1]])
                let (id, inserted) = table.findOrInsert(key, hash: rows.hashes[i])
                if inserted { heads.append(Int32(i)) } else { next[i] = heads[Int(id)]; heads[Int(id)] = Int32(i); hasUniqueBuildKeys = false }
            }
        }
        buildTypes = keys.types
        built = all
        bytes += table.byteSize + n * 4
        try charge.grow(to: bytes)
    }

    /// No two build rows share a (non-NULL) key: each probe row matches at most one build row.
    public private(set) var hasUniqueBuildKeys = true
    private var buildTypes: [DataType] = []
    /// Set when the join has one integer-like key (the fast path).
    private var intTable: IntKeyTable?

    static func keyVectors(_ exprs: [PhysicalExpression], _ batch: RecordBatch, against types: [DataType]?) throws(QueryError) -> (vectors: [Vector], types: [DataType]) {
        let ev = Evaluation(batch: batch)
        var out: [Vector] = [], ts: [DataType] = []
        for (i, e) in exprs.enumerated() {
            var v = try ev.eval(e)
            if let types {
                // Probe keys are cast to the build key's type so equal values encode equally.
                let t = try TypeRules.common(v.type, types[i], e.description)!
                guard t == types[i] else {
                    throw QueryError(.typeMismatch, "join key \(e) is \(v.type) but the build key is \(types[i]): cast the build key")
                }
                v = try Cast.apply(v, to: t, context: e)
            }
            out.append(v); ts.append(v.type)
        }
        return (out, ts)
    }

    public func probe(_ batch: RecordBatch) throws(QueryError) -> RecordBatch {
        try probe(batch, keys: probeKeys)
    }

    /// `probe`, in halves of `batch` while the output of a part does not fit the memory left
    /// (a morsel can match more rows than the limit holds while each half does). The output of
    /// one call is still bounded by the whole limit, so a row explosion stays an error; a
    /// single probe row whose matches do not fit is the error too.
    public func probeInPieces(_ batch: RecordBatch) throws(QueryError) -> RecordBatch {
        var pieces: [RecordBatch] = []
        var bytes = 0
        try probePieces(batch, into: &pieces, bytes: &bytes)
        if pieces.count == 1 { return pieces[0] }
        let schema = kind == .leftSemi || kind == .leftAnti ? batch.schema : Schema(batch.schema.fields + (built?.schema.fields ?? []))
        return try Concatenate.batches(pieces, schema: pieces.first?.schema ?? schema)
    }

    private func probePieces(_ batch: RecordBatch, into pieces: inout [RecordBatch], bytes: inout Int) throws(QueryError) {
        let joined: RecordBatch
        do {
            joined = try probe(batch)
        } catch where error.code == .memoryLimit && batch.rowCount > 1 {
            let middle = batch.rowCount / 2
            try probePieces(batch.slice(0..<middle), into: &pieces, bytes: &bytes)
            try probePieces(batch.slice(middle..<batch.rowCount), into: &pieces, bytes: &bytes)
            return
        }
        bytes += joined.columns.reduce(0) { $0 + $1.approximateByteSize }
        if let budget = charge.budget, bytes > budget.limit { throw budget.exceededError(adding: bytes) }
        pieces.append(joined)
    }

    /// `probe` with other probe key expressions over `batch` (same count as the build keys).
    public func probe(_ batch: RecordBatch, keys probeKeys: [PhysicalExpression]) throws(QueryError) -> RecordBatch {
        guard let built else { throw QueryError(.invalidArgument, "HashJoin.probe before finishBuild") }
        guard probeKeys.count == buildKeys.count else {
            throw QueryError(.invalidArgument, "HashJoin.probe: \(probeKeys.count) probe keys for \(buildKeys.count) build keys")
        }
        let n = batch.rowCount
        let keys = try Self.keyVectors(probeKeys, batch, against: buildTypes)
        var probeIdx: [Int32] = [], buildIdx: [Int32] = []
        probeIdx.reserveCapacity(n)
        // An output row costs its two indices and its columns; the budget decides how many fit,
        // so a join that multiplies rows (a cross product) stops with the memory-limit error
        // instead of failing an allocation.
        let rowBytes = 8 + (n > 0 ? batch.columns.reduce(0) { $0 + $1.approximateByteSize } / n : 0)
            + (built.rowCount > 0 ? built.columns.reduce(0) { $0 + $1.approximateByteSize } / built.rowCount : 0)
        let room = charge.budget.map { max(0, $0.limit - $0.usedBytes) } ?? .max
        let pairLimit = room / max(1, rowBytes)
        var overLimit = false
        if let intTable, case .int(let values) = keys.vectors[0].values {
            let key = keys.vectors[0]
            for i in 0..<n {
                let id = key.isValid(i) ? intTable.find(values[i], 0, 0) : -1
                collect(probe: i, found: id >= 0 ? id : nil, probeIdx: &probeIdx, buildIdx: &buildIdx)
                if probeIdx.count > pairLimit { overLimit = true; break }
            }
        } else {
            let rows = RowKeys(keys.vectors, rows: n)
            rows.bytes.withUnsafeBufferPointer { b in
                for i in 0..<n {
                    var found: Int32? = nil
                    if !rows.hasNull[i] {
                        let key = UnsafeBufferPointer(rebasing: b[rows.offsets[i]..<rows.offsets[i + 1]])
                        found = table.find(key, hash: rows.hashes[i])
                    }
                    collect(probe: i, found: found, probeIdx: &probeIdx, buildIdx: &buildIdx)
                    if probeIdx.count > pairLimit { overLimit = true; break }
                }
            }
        }
        if overLimit, let budget = charge.budget {
            // The pairs collected are cut short: always the error, even if another thread has
            // given memory back since `room` was read (a recheck could pass and lose rows).
            throw budget.exceededError(adding: (pairLimit + 1) * rowBytes)
        }
        if collectsPairs {
            try charge.budget?.ensureRoom(for: probeIdx.count * rowBytes)
        }
        if let residual, kind == .leftSemi || kind == .leftAnti {
            return try matchingResidual(batch, pairs: (probeIdx, buildIdx), residual: residual, built: built)
        }
        let left = batch.take(Selection(probeIdx))
        if kind == .leftSemi || kind == .leftAnti { return left }
        let right = built.columns.map { $0.take(buildIdx) }
        return RecordBatch(schema: Schema(batch.schema.fields + built.schema.fields), columns: left.columns + right, rowCount: probeIdx.count)
    }

    /// Semi/anti join with a residual: every key match (`pairs`) is a candidate; a probe row
    /// matches when the residual is TRUE for one of its pairs.
    private func matchingResidual(_ batch: RecordBatch, pairs: (probe: [Int32], build: [Int32]),
                                  residual: PhysicalExpression, built: RecordBatch) throws(QueryError) -> RecordBatch {
        let n = batch.rowCount
        let (probeIdx, buildIdx) = pairs
        let candidates = RecordBatch(schema: Schema(batch.schema.fields + built.schema.fields),
                                     columns: batch.take(Selection(probeIdx)).columns + built.columns.map { $0.take(buildIdx) },
                                     rowCount: probeIdx.count)
        let mask = try Evaluation(batch: candidates).eval(residual)
        guard mask.type == .boolean else { throw QueryError(.typeMismatch, "join condition \(residual) is \(mask.type), not boolean") }
        var matched = [Bool](repeating: false, count: n)
        for k in Selection.fromMask(mask.bools, validity: mask.validity).indices { matched[Int(probeIdx[Int(k)])] = true }
        let keep = kind == .leftSemi
        return batch.take(Selection((0..<n).filter { matched[$0] == keep }.map(Int32.init)))
    }

    /// Whether probing lists every (probe row, build row) pair of a key match: the output of
    /// inner and outer joins, the candidates of a semi or anti join's residual.
    private var collectsPairs: Bool { kind == .inner || kind == .leftOuter || residual != nil }

    /// Output rows (or candidate pairs) of probe row `i` given its key's build group (nil: no match).
    @inline(__always)
    private func collect(probe i: Int, found: Int32?, probeIdx: inout [Int32], buildIdx: inout [Int32]) {
        switch kind {
        case .leftSemi where residual == nil: if found != nil { probeIdx.append(Int32(i)) }
        case .leftAnti where residual == nil: if found == nil { probeIdx.append(Int32(i)) }
        case .inner, .leftOuter, .leftSemi, .leftAnti:
            if let id = found {
                var r = heads[Int(id)]
                while r >= 0 { probeIdx.append(Int32(i)); buildIdx.append(r); r = next[Int(r)] }
            } else if kind == .leftOuter {
                probeIdx.append(Int32(i)); buildIdx.append(-1)
            }
        }
    }
}
