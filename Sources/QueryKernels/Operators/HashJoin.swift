import Columnar
import Synchronization

public enum JoinKind: String, Sendable, Hashable {
    case inner, leftOuter = "left", leftSemi = "semi", leftAnti = "anti"
    /// Kinds that keep or pick build (right) rows by whether any probe row matched them: they
    /// mark matched build rows while probing and emit their build rows after the last probe.
    case rightOuter = "right", fullOuter = "full", rightSemi = "right semi", rightAnti = "right anti"

    /// Whether the join's output is one side's columns only (and which).
    public var outputsLeftOnly: Bool { self == .leftSemi || self == .leftAnti }
    public var outputsRightOnly: Bool { self == .rightSemi || self == .rightAnti }
    /// Whether build rows are emitted after probing (`HashJoin.finishProbe`).
    public var tracksBuildRows: Bool { self == .rightOuter || self == .fullOuter || self == .rightSemi || self == .rightAnti }
}

/// Equi-join by hash: `build` the right side's batches, then `probe` left batches one at a time.
/// Output rows: probe columns then build columns (inner, outer joins), probe columns only (left
/// semi, anti), build columns only (right semi, anti). NULL keys never match (an anti join keeps
/// the rows with NULL keys of the side it returns). `residual`, a condition over the probe row's
/// columns followed by the build row's, decides among key matches for every kind (an outer
/// join's row whose key matches fail it is NULL-extended). The right and full kinds mark the
/// build rows matched while probing (probes may run in parallel) and `finishProbe` emits them.
public struct HashJoin: Sendable {
    public let kind: JoinKind
    public let probeKeys: [PhysicalExpression]
    public let buildKeys: [PhysicalExpression]
    /// A condition over the probe row's columns followed by the build row's that a key match
    /// must also meet (`EXISTS (… WHERE t.k = o.k AND t.s <> o.s)`, `LEFT JOIN … ON a.k = b.k AND a.x < b.y`).
    public var residual: PhysicalExpression?
    /// Build rows some probe row matched (kinds that track them).
    private var marks: BuildMarks?
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
            if kind.tracksBuildRows { marks = BuildMarks(rows: n) }
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
        if kind.tracksBuildRows { marks = BuildMarks(rows: n) }
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
        return try Concatenate.batches(pieces, schema: pieces[0].schema)  // one piece at least
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
        guard collectsPairs else { return batch.take(Selection(probeIdx)) }  // semi/anti, no residual
        if let residual {
            (probeIdx, buildIdx) = try keptPairs(batch, pairs: (probeIdx, buildIdx), residual: residual, built: built)
        }
        marks?.mark(buildIdx)
        switch kind {
        case .leftSemi, .leftAnti:
            var matched = [Bool](repeating: false, count: n)
            for i in probeIdx { matched[Int(i)] = true }
            let keep = kind == .leftSemi
            return batch.take(Selection((0..<n).filter { matched[$0] == keep }.map(Int32.init)))
        case .rightSemi, .rightAnti:
            return built.slice(0..<0)  // their rows come from finishProbe
        case .leftOuter, .fullOuter:
            // Probe rows without a match, NULL-extended.
            var matched = [Bool](repeating: false, count: n)
            for i in probeIdx { matched[Int(i)] = true }
            for i in 0..<n where !matched[i] { probeIdx.append(Int32(i)); buildIdx.append(-1) }
        case .inner, .rightOuter:
            break
        }
        let left = batch.take(Selection(probeIdx))
        let right = built.columns.map { $0.take(buildIdx) }
        return RecordBatch(schema: Schema(batch.schema.fields + built.schema.fields), columns: left.columns + right, rowCount: probeIdx.count)
    }

    /// After the last probe: the build rows the kind emits — unmatched ones NULL-extended on the
    /// probe side (right, full), matched ones (right semi) or unmatched ones (right anti). An
    /// empty batch for the other kinds. `probeSchema` is the probe side's.
    public func finishProbe(probeSchema: Schema) throws(QueryError) -> RecordBatch {
        guard let built, let marks, kind.tracksBuildRows else {
            return RecordBatch(schema: Schema([]), columns: [], rowCount: 0)
        }
        let matched = marks.snapshot()
        let keep = (0..<built.rowCount).filter { matched[$0] == (kind == .rightSemi) }.map(Int32.init)
        let rows = built.take(Selection(keep))
        if kind.outputsRightOnly { return rows }
        let nulls = try probeSchema.fields.map { f throws(QueryError) in
            try Concatenate.columns([], type: f.type).take([Int32](repeating: -1, count: keep.count))
        }
        let fields = probeSchema.fields.map { Field($0.name, $0.type, nullable: true) } + built.schema.fields
        return RecordBatch(schema: Schema(fields), columns: nulls + rows.columns, rowCount: keep.count)
    }

    /// The key-matched pairs for which `residual` is TRUE.
    private func keptPairs(_ batch: RecordBatch, pairs: (probe: [Int32], build: [Int32]),
                           residual: PhysicalExpression, built: RecordBatch) throws(QueryError) -> ([Int32], [Int32]) {
        let (probeIdx, buildIdx) = pairs
        let candidates = RecordBatch(schema: Schema(batch.schema.fields + built.schema.fields),
                                     columns: batch.take(Selection(probeIdx)).columns + built.columns.map { $0.take(buildIdx) },
                                     rowCount: probeIdx.count)
        let mask = try Evaluation(batch: candidates).eval(residual)
        guard mask.type == .boolean else { throw QueryError(.typeMismatch, "join condition \(residual) is \(mask.type), not boolean") }
        let kept = Selection.fromMask(mask.bools, validity: mask.validity).indices
        return (kept.map { probeIdx[Int($0)] }, kept.map { buildIdx[Int($0)] })
    }

    /// Whether probing lists every (probe row, build row) pair of a key match: the output of
    /// inner and outer joins, the candidates of a semi or anti join's residual.
    private var collectsPairs: Bool { !kind.outputsLeftOnly || residual != nil }

    /// Output rows (or candidate pairs) of probe row `i` given its key's build group (nil: no match).
    @inline(__always)
    private func collect(probe i: Int, found: Int32?, probeIdx: inout [Int32], buildIdx: inout [Int32]) {
        if kind.outputsLeftOnly && residual == nil {
            if (found != nil) == (kind == .leftSemi) { probeIdx.append(Int32(i)) }
            return
        }
        // Every key-matched pair; unmatched probe rows of outer joins are added after the residual.
        guard let id = found else { return }
        var r = heads[Int(id)]
        while r >= 0 { probeIdx.append(Int32(i)); buildIdx.append(r); r = next[Int(r)] }
    }
}

/// Which build rows a probe row matched, set by probes running in parallel.
final class BuildMarks: Sendable {
    private let flags: Mutex<[Bool]>

    init(rows: Int) { flags = Mutex([Bool](repeating: false, count: rows)) }

    func mark(_ rows: [Int32]) {
        guard !rows.isEmpty else { return }
        flags.withLock { f in for r in rows where r >= 0 { f[Int(r)] = true } }
    }

    func snapshot() -> [Bool] { flags.withLock { $0 } }
}
