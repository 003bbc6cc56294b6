import Columnar

/// GROUP BY with hash aggregation. Feed morsels with `consume`, combine partial aggregates of
/// other threads with `merge`, then `finish`. Keys are any expressions; NULL is its own group.
/// Without keys there is exactly one group, even over no rows (count = 0, sum = NULL).
///
/// Result types (DuckDB's): count → int64; sum(int) → decimal(38, 0) (DuckDB's HUGEINT);
/// sum(decimal(p, s)) → decimal(38, s); sum(double) → double; avg → double; min/max → input type;
/// stddev_samp, var_samp → double (NULL for fewer than two values).
public struct HashAggregate: Sendable {
    public let keys: [PhysicalExpression]
    public let aggregates: [AggregateSpec]
    public let outputSchema: Schema
    private let keyTypes: [DataType]
    private let argumentTypes: [DataType?]
    private var table = ByteKeyTable()
    /// One or two integer-like keys group through `IntKeyTable` (no byte encoding); then
    /// `keyValues` stays empty and the key columns come from the table.
    private let intKeys: Bool
    private var intTable = IntKeyTable()
    private var keyValues: [VectorBuilder]
    private var states: [AggregateState]
    private var groups: Int
    private var charge: MemoryCharge

    /// `keyNames` name the key columns of the result, in order.
    public init(keys: [PhysicalExpression], keyNames: [String], aggregates: [AggregateSpec], budget: MemoryBudget? = nil) throws(QueryError) {
        guard keyNames.count == keys.count else {
            throw QueryError(.invalidArgument, "HashAggregate: \(keys.count) keys but \(keyNames.count) key names")
        }
        let empty = Evaluation(batch: nil, rows: 0)
        var keyTypes: [DataType] = []
        for k in keys { keyTypes.append(try empty.eval(k).type) }
        var argumentTypes: [DataType?] = []
        var states: [AggregateState] = []
        var fields = zip(keyNames, keyTypes).map { Field($0, $1) }
        for a in aggregates {
            let t: DataType?
            if let arg = a.argument { t = try empty.eval(arg).type } else { t = nil }
            if a.function != .countStar && t == nil && a.argument == nil {
                throw QueryError(.invalidArgument, "\(a.function.rawValue) needs an argument in \(a.name)")
            }
            argumentTypes.append(t)
            states.append(try AggregateState.initial(a, inputType: t))
            fields.append(Field(a.name, Self.resultType(a, t)))
        }
        self.keys = keys
        self.aggregates = aggregates
        self.keyTypes = keyTypes
        self.argumentTypes = argumentTypes
        self.states = states
        self.keyValues = keyTypes.map { VectorBuilder(type: $0) }
        self.outputSchema = Schema(fields)
        self.groups = 0
        self.intKeys = (1...2).contains(keyTypes.count) && keyTypes.allSatisfy(Self.isIntKey)
        self.charge = MemoryCharge(budget)
        if keys.isEmpty { addGroups(1) }
    }

    static func resultType(_ a: AggregateSpec, _ t: DataType?) -> DataType {
        switch a.function {
        case .countStar, .count: return .int64
        case .sum:
            switch t {
            case .float64: return .float64
            case .decimal(_, let s): return .decimal(precision: 38, scale: s)
            default: return .decimal(precision: 38, scale: 0)
            }
        case .avg, .stddevSamp, .varSamp: return .float64
        case .min, .max: return t ?? .int64
        }
    }

    public var groupCount: Int { groups }

    private static func isIntKey(_ t: DataType) -> Bool {
        t == .int64 || t == .date || t == KernelType.timestamp || t == .boolean
    }

    /// Group ids of the batch's rows through `intTable`.
    private mutating func intKeyGroupIds(_ ev: Evaluation, _ n: Int) throws(QueryError) -> [Int32] {
        var values: [KeyIntegers] = []
        var validity: [[Bool]?] = []
        for (k, t) in zip(keys, keyTypes) {
            let (v, valid) = try Self.keyIntegers(ev, k, t, n)
            values.append(v)
            validity.append(valid)
        }
        var ids = [Int32](repeating: 0, count: n)
        let second: KeyIntegers? = values.count > 1 ? values[1] : nil
        ids.withUnsafeMutableBufferPointer { out in
            withOptionalBuffer(validity[0]) { va in
                withOptionalBuffer(validity.count > 1 ? validity[1] : nil) { vb in
                    func run<A: FixedWidthInteger>(_ a: UnsafeBufferPointer<A>) {
                        switch second {
                        case nil: intTable.groupIds(a, va, nil as UnsafeBufferPointer<Int64>?, vb, into: out)
                        case .int64(let b)?: b.withUnsafeBufferPointer { intTable.groupIds(a, va, $0, vb, into: out) }
                        case .int32(let b)?: b.withUnsafeBufferPointer { intTable.groupIds(a, va, $0, vb, into: out) }
                        }
                    }
                    switch values[0] {
                    case .int64(let a): a.withUnsafeBufferPointer { run($0) }
                    case .int32(let a): a.withUnsafeBufferPointer { run($0) }
                    }
                }
            }
        }
        return ids
    }

    /// A key column's integers. A column stored as int32 (int8…int32, date) is read as it is and
    /// sign-extended per row, as `Vector(column:)` would, instead of being widened into a copy.
    private enum KeyIntegers { case int64([Int64]), int32([Int32]) }

    private static func keyIntegers(_ ev: Evaluation, _ k: PhysicalExpression, _ t: DataType, _ n: Int) throws(QueryError) -> (KeyIntegers, [Bool]?) {
        if case .column(let i, _) = k, let batch = ev.batch, i >= 0, i < batch.columns.count {
            let c = batch.columns[i]
            if case .int32(let x) = c.values, c.type != .uint32, KernelType.normalize(c.type) == t, x.count == n {
                return (.int32(x), c.validity)
            }
        }
        let v = try Cast.apply(ev.eval(k, hint: t), to: t, context: k)
        guard v.count == n else { throw QueryError(.invalidArgument, "HashAggregate: key \(k) has \(v.count) rows, not \(n)") }
        switch v.values {
        case .int(let x): return (.int64(x), v.validity)
        case .bool(let x): return (.int64(x.map { $0 ? 1 : 0 }), v.validity)
        default: throw QueryError(.invalidArgument, "HashAggregate: key \(k) is not stored as integers")
        }
    }

    /// Key column `k` of the result, read back from `intTable`.
    private func intKeyVector(_ k: Int) -> Vector {
        let v = k == 0 ? intTable.first : intTable.second
        let bit: UInt8 = k == 0 ? 1 : 2
        let validity: [Bool]? = intTable.nulls.contains { $0 & bit != 0 } ? intTable.nulls.map { $0 & bit == 0 } : nil
        let values: VectorValues = keyTypes[k] == .boolean ? .bool(v.map { $0 != 0 }) : .int(v)
        return Vector(type: keyTypes[k], values: values, validity: validity)
    }

    private mutating func addGroups(_ total: Int) {
        groups = total
        for i in states.indices { states[i].resize(total) }
    }

    /// Gives back to the budget what this aggregate charged (its table is about to be dropped).
    public mutating func releaseMemory() { charge.release() }

    public mutating func consume(_ batch: RecordBatch) throws(QueryError) {
        let n = batch.rowCount
        guard n > 0 else { return }
        let ev = Evaluation(batch: batch)
        // Without keys count(*) is the row count: no per-row group ids for it (count(*) alone,
        // as in `SELECT count(*) FROM t`, then reads no column and touches no row).
        let onlyCountStar = keys.isEmpty && aggregates.allSatisfy { $0.function == .countStar && !$0.distinct }
        let groupIds = onlyCountStar ? [] : try groupIds(ev, n)
        for a in aggregates.indices {
            let spec = aggregates[a]
            if keys.isEmpty, spec.function == .countStar, !spec.distinct, case .count(var c) = states[a] {
                states[a] = .count([])
                c[0] &+= Int64(n)
                states[a] = .count(c)
                continue
            }
            var arg: Vector? = nil
            if let e = spec.argument, let t = argumentTypes[a] { arg = try Cast.apply(ev.eval(e, hint: t), to: t, context: e) }
            try update(&states[a], spec, arg, groupIds)
        }
        try charge.grow(to: byteSize)
    }

    /// The group id of each row of the batch; new keys become new groups.
    private mutating func groupIds(_ ev: Evaluation, _ n: Int) throws(QueryError) -> [Int32] {
        var groupIds: [Int32]
        if keys.isEmpty {
            groupIds = [Int32](repeating: 0, count: n)
        } else if intKeys {
            groupIds = try intKeyGroupIds(ev, n)
            if intTable.count > groups { addGroups(intTable.count) }
        } else {
            var keyVectors: [Vector] = []
            for (k, t) in zip(keys, keyTypes) { keyVectors.append(try Cast.apply(ev.eval(k, hint: t), to: t, context: k)) }
            let rows = RowKeys(keyVectors, rows: n)
            groupIds = [Int32](repeating: 0, count: n)
            rows.bytes.withUnsafeBufferPointer { b in
                for i in 0..<n {
                    let key = UnsafeBufferPointer(rebasing: b[rows.offsets[i]..<rows.offsets[i + 1]])
                    let (id, inserted) = table.findOrInsert(key, hash: rows.hashes[i])
                    groupIds[i] = id
                    if inserted { for k in keyVectors.indices { keyValues[k].append(keyVectors[k], i) } }
                }
            }
            if table.count > groups { addGroups(table.count) }
        }
        return groupIds
    }

    private var byteSize: Int {
        table.byteSize + intTable.byteSize + (intKeys ? 0 : keyValues.count * groups * 16) + states.reduce(0) { $0 + $1.byteSize }
    }

    private func update(_ state: inout AggregateState, _ spec: AggregateSpec, _ arg: Vector?, _ gid: [Int32]) throws(QueryError) {
        let n = gid.count
        if let arg, arg.count != n {
            throw QueryError(.invalidArgument, "HashAggregate: argument of \(spec.name) has \(arg.count) rows, not \(n)")
        }
        let valid = arg?.validity
        @inline(__always) func ok(_ i: Int) -> Bool { valid?[i] ?? true }
        /// The argument's storage, checked to have a value per row (a storage mismatch would
        /// otherwise read past the end in the pointer loops).
        func rows<T>(_ v: [T]) throws(QueryError) -> [T] {
            guard v.count == n, valid.map({ $0.count == n }) ?? true else {
                throw QueryError(.invalidArgument, "HashAggregate: argument of \(spec.name) is not stored as its type says")
            }
            return v
        }
        let isMin = spec.function == .min
        // Group ids are < groups = every state array's length, and arguments have n rows (checked
        // above), so the pointer loops below stay in bounds.
        switch state {
        case .count(var c):
            state = .count([])
            countRows(into: &c, gid, spec.function == .countStar ? nil : valid)
            state = .count(c)
        case .sumWide(var s, var seen):
            var ints: [Int64]? = nil, bools: [Bool]? = nil, wides: [Int128] = []
            switch arg!.values {
            case .int(let v): ints = try rows(v)
            case .bool(let v): bools = try rows(v)
            default: wides = try rows(arg!.wides)
            }
            state = .count([])
            var overflow = false
            s.withUnsafeMutableBufferPointer { s in
                seen.withUnsafeMutableBufferPointer { seen in
                    @inline(__always) func add(_ g: Int, _ x: Int128) {
                        let (r, o) = s[g].addingReportingOverflow(x)
                        s[g] = r; seen[g] = true; overflow = overflow || o
                    }
                    switch (ints, bools) {
                    case (let v?, _): v.withUnsafeBufferPointer { v in forEachValidRow(gid, valid) { i, g in add(g, Int128(v[i])) } }
                    case (_, let v?): v.withUnsafeBufferPointer { v in forEachValidRow(gid, valid) { i, g in add(g, v[i] ? 1 : 0) } }
                    default: wides.withUnsafeBufferPointer { v in forEachValidRow(gid, valid) { i, g in add(g, v[i]) } }
                    }
                }
            }
            if overflow { throw QueryError(.overflow, "integer overflow in sum of \(spec.name)") }
            state = .sumWide(s, seen: seen)
        case .sumDouble(var s, var seen):
            let v = try rows(arg!.doubles)
            state = .count([])
            s.withUnsafeMutableBufferPointer { s in
                seen.withUnsafeMutableBufferPointer { seen in
                    v.withUnsafeBufferPointer { v in
                        if valid == nil, sumDoubleRuns(s, counts: nil, v, gid) {
                            for g in gid { seen[Int(g)] = true }
                        } else {
                            forEachValidRow(gid, valid) { i, g in s[g] += v[i]; seen[g] = true }
                        }
                    }
                }
            }
            state = .sumDouble(s, seen: seen)
        case .avgWide(var s, var c):
            var ints: [Int64]? = nil, wides: [Int128] = []
            if case .int(let v) = arg!.values { ints = try rows(v) } else { wides = try rows(arg!.wides) }
            state = .count([])
            s.withUnsafeMutableBufferPointer { s in
                c.withUnsafeMutableBufferPointer { c in
                    if let v = ints {
                        v.withUnsafeBufferPointer { v in forEachValidRow(gid, valid) { i, g in s[g] &+= Int128(v[i]); c[g] &+= 1 } }
                    } else {
                        wides.withUnsafeBufferPointer { v in forEachValidRow(gid, valid) { i, g in s[g] &+= v[i]; c[g] &+= 1 } }
                    }
                }
            }
            state = .avgWide(s, counts: c)
        case .avgDouble(var s, var c):
            let v = try rows(arg!.doubles)
            state = .count([])
            s.withUnsafeMutableBufferPointer { s in
                c.withUnsafeMutableBufferPointer { c in
                    v.withUnsafeBufferPointer { v in
                        if valid == nil, sumDoubleRuns(s, counts: c, v, gid) { return }
                        forEachValidRow(gid, valid) { i, g in s[g] += v[i]; c[g] &+= 1 }
                    }
                }
            }
            state = .avgDouble(s, counts: c)
        case .minMaxInt(var s, var seen):
            let v = try rows(arg!.ints)
            state = .count([])
            s.withUnsafeMutableBufferPointer { s in
                seen.withUnsafeMutableBufferPointer { seen in
                    v.withUnsafeBufferPointer { v in
                        forEachValidRow(gid, valid) { i, g in
                            if !seen[g] || (isMin ? v[i] < s[g] : v[i] > s[g]) { s[g] = v[i]; seen[g] = true }
                        }
                    }
                }
            }
            state = .minMaxInt(s, seen: seen)
        case .minMaxDouble(var s, var seen):
            let v = try rows(arg!.doubles)
            state = .count([])
            s.withUnsafeMutableBufferPointer { s in
                seen.withUnsafeMutableBufferPointer { seen in
                    v.withUnsafeBufferPointer { v in
                        forEachValidRow(gid, valid) { i, g in
                            let k = doubleKey(v[i]), cur = doubleKey(s[g])
                            if !seen[g] || (isMin ? k < cur : k > cur) { s[g] = v[i]; seen[g] = true }
                        }
                    }
                }
            }
            state = .minMaxDouble(s, seen: seen)
        case .minMaxWide(var s, var seen):
            state = .count([])
            let v = arg!.wides
            for i in 0..<n where ok(i) {
                let g = Int(gid[i])
                if !seen[g] || (isMin ? v[i] < s[g] : v[i] > s[g]) { s[g] = v[i]; seen[g] = true }
            }
            state = .minMaxWide(s, seen: seen)
        case .minMaxBool(var s, var seen):
            state = .count([])
            let v = arg!.bools
            for i in 0..<n where ok(i) {
                let g = Int(gid[i])
                if !seen[g] || (isMin ? (!v[i] && s[g]) : (v[i] && !s[g])) { s[g] = v[i]; seen[g] = true }
            }
            state = .minMaxBool(s, seen: seen)
        case .minMaxBytes(var s, var seen):
            state = .count([])
            let v = arg!.strings
            for i in 0..<n where ok(i) {
                let g = Int(gid[i])
                let x = v[i]
                if !seen[g] || (isMin ? x.lexicographicallyPrecedes(s[g]) : s[g].lexicographicallyPrecedes(x)) {
                    s[g] = Array(x); seen[g] = true
                }
            }
            state = .minMaxBytes(s, seen: seen)
        case .moments(var c, var mean, var m2):
            state = .count([])
            let v = try Cast.apply(arg!, to: .float64, context: spec.argument!).doubles
            for i in 0..<n where ok(i) {
                let g = Int(gid[i])
                c[g] &+= 1
                let d = v[i] - mean[g]
                mean[g] += d / Double(c[g])
                m2[g] += d * (v[i] - mean[g])
            }
            state = .moments(counts: c, mean: mean, m2: m2)
        case .distinctCount(var c, var set):
            state = .count([])
            let rows = RowKeys([arg!], rows: n)
            var key = [UInt8]()
            for i in 0..<n where ok(i) {
                key.removeAll(keepingCapacity: true)
                withUnsafeBytes(of: gid[i]) { key.append(contentsOf: $0) }
                key.append(contentsOf: rows.bytes[rows.offsets[i]..<rows.offsets[i + 1]])
                let h = key.withUnsafeBufferPointer { hashBytes($0.baseAddress!, $0.count) }
                if key.withUnsafeBufferPointer({ set.findOrInsert($0, hash: h).inserted }) { c[Int(gid[i])] &+= 1 }
            }
            state = .distinctCount(c, set: set)
        }
    }

    /// Folds another partial aggregate of the same query into this one.
    public mutating func merge(_ other: HashAggregate) throws(QueryError) {
        guard other.aggregates == aggregates, other.keys == keys else {
            throw QueryError(.invalidArgument, "HashAggregate.merge: different aggregates")
        }
        var map = [Int](repeating: 0, count: other.groups)
        if intKeys {
            let o = other.intTable
            for g in 0..<o.count { map[g] = Int(intTable.findOrInsert(o.first[g], o.second[g], o.nulls[g]).id) }
            if intTable.count > groups { addGroups(intTable.count) }
        } else if !keys.isEmpty {
            let otherKeys = other.keyValues.map { $0.finish() }
            for g in 0..<other.table.count {
                let key = Array(other.table.key(g))
                let (id, inserted) = key.withUnsafeBufferPointer { table.findOrInsert($0, hash: other.table.hashes[g]) }
                map[g] = Int(id)
                if inserted { for k in otherKeys.indices { keyValues[k].append(otherKeys[k], g) } }
            }
            if table.count > groups { addGroups(table.count) }
        }
        for a in states.indices {
            try Self.mergeState(&states[a], other.states[a], map, isMin: aggregates[a].function == .min, name: aggregates[a].name)
        }
        try charge.grow(to: byteSize)
    }

    /// Folds in `other`, a partial aggregate of the same aggregates over finer groups (the
    /// aggregate-below-join path): group `sourceGroups[r]` of `other` goes to this aggregate's
    /// group of row r of `batch` (this aggregate's keys are evaluated on `batch`); groups of
    /// `other` that no row names are dropped. Each group may be named by one row at most.
    public mutating func mergeRegrouped(_ other: HashAggregate, keysFrom batch: RecordBatch, sourceGroups: [Int32]) throws(QueryError) {
        guard other.aggregates == aggregates else {
            throw QueryError(.invalidArgument, "HashAggregate.mergeRegrouped: different aggregates")
        }
        guard sourceGroups.count == batch.rowCount else {
            throw QueryError(.invalidArgument, "HashAggregate.mergeRegrouped: \(sourceGroups.count) source groups for \(batch.rowCount) rows")
        }
        let target = batch.rowCount > 0 ? try groupIds(Evaluation(batch: batch), batch.rowCount) : []
        var map = [Int](repeating: -1, count: other.groups)
        for (r, g) in sourceGroups.enumerated() {
            guard g >= 0, Int(g) < other.groups, map[Int(g)] < 0 else {
                throw QueryError(.invalidArgument, "HashAggregate.mergeRegrouped: source group \(g) is out of range or named twice")
            }
            map[Int(g)] = Int(target[r])
        }
        for a in states.indices {
            try Self.mergeState(&states[a], other.states[a], map, isMin: aggregates[a].function == .min, name: aggregates[a].name)
        }
        try charge.grow(to: byteSize)
    }

    /// Merges group g of `o` into group `map[g]` of `s`; groups mapped to -1 are skipped.
    private static func mergeState(_ s: inout AggregateState, _ o: AggregateState, _ map: [Int], isMin: Bool, name: String) throws(QueryError) {
        switch (s, o) {
        case (.count(var c), .count(let oc)):
            for (g, t) in map.enumerated() where t >= 0 { c[t] &+= oc[g] }
            s = .count(c)
        case (.sumWide(var v, var seen), .sumWide(let ov, let os)):
            for (g, t) in map.enumerated() where t >= 0 && os[g] {
                let (r, f) = v[t].addingReportingOverflow(ov[g])
                if f { throw QueryError(.overflow, "integer overflow in sum of \(name)") }
                v[t] = r; seen[t] = true
            }
            s = .sumWide(v, seen: seen)
        case (.sumDouble(var v, var seen), .sumDouble(let ov, let os)):
            for (g, t) in map.enumerated() where t >= 0 && os[g] { v[t] += ov[g]; seen[t] = true }
            s = .sumDouble(v, seen: seen)
        case (.avgWide(var v, var c), .avgWide(let ov, let oc)):
            for (g, t) in map.enumerated() where t >= 0 { v[t] &+= ov[g]; c[t] &+= oc[g] }
            s = .avgWide(v, counts: c)
        case (.avgDouble(var v, var c), .avgDouble(let ov, let oc)):
            for (g, t) in map.enumerated() where t >= 0 { v[t] += ov[g]; c[t] &+= oc[g] }
            s = .avgDouble(v, counts: c)
        case (.minMaxInt(var v, var seen), .minMaxInt(let ov, let os)):
            for (g, t) in map.enumerated() where t >= 0 && os[g] && (!seen[t] || (isMin ? ov[g] < v[t] : ov[g] > v[t])) { v[t] = ov[g]; seen[t] = true }
            s = .minMaxInt(v, seen: seen)
        case (.minMaxDouble(var v, var seen), .minMaxDouble(let ov, let os)):
            for (g, t) in map.enumerated() where t >= 0 && os[g] && (!seen[t] || (isMin ? doubleKey(ov[g]) < doubleKey(v[t]) : doubleKey(ov[g]) > doubleKey(v[t]))) { v[t] = ov[g]; seen[t] = true }
            s = .minMaxDouble(v, seen: seen)
        case (.minMaxWide(var v, var seen), .minMaxWide(let ov, let os)):
            for (g, t) in map.enumerated() where t >= 0 && os[g] && (!seen[t] || (isMin ? ov[g] < v[t] : ov[g] > v[t])) { v[t] = ov[g]; seen[t] = true }
            s = .minMaxWide(v, seen: seen)
        case (.minMaxBool(var v, var seen), .minMaxBool(let ov, let os)):
            for (g, t) in map.enumerated() where t >= 0 && os[g] && (!seen[t] || (isMin ? (!ov[g] && v[t]) : (ov[g] && !v[t]))) { v[t] = ov[g]; seen[t] = true }
            s = .minMaxBool(v, seen: seen)
        case (.minMaxBytes(var v, var seen), .minMaxBytes(let ov, let os)):
            for (g, t) in map.enumerated() where t >= 0 && os[g] && (!seen[t] || (isMin ? ov[g].lexicographicallyPrecedes(v[t]) : v[t].lexicographicallyPrecedes(ov[g]))) { v[t] = ov[g]; seen[t] = true }
            s = .minMaxBytes(v, seen: seen)
        case (.moments(var c, var mean, var m2), .moments(let oc, let om, let om2)):
            // Chan et al.'s parallel combination of Welford states.
            for (g, t) in map.enumerated() where t >= 0 && oc[g] > 0 {
                let n1 = Double(c[t]), n2 = Double(oc[g]), total = n1 + n2
                let d = om[g] - mean[t]
                mean[t] += d * n2 / total
                m2[t] += om2[g] + d * d * n1 * n2 / total
                c[t] &+= oc[g]
            }
            s = .moments(counts: c, mean: mean, m2: m2)
        case (.distinctCount(var c, var set), .distinctCount(_, let oset)):
            for id in 0..<oset.count {
                var key = Array(oset.key(id))
                let g = key.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
                guard map[Int(g)] >= 0 else { continue }
                let t = Int32(map[Int(g)])
                withUnsafeBytes(of: t) { b in for j in 0..<4 { key[j] = b[j] } }
                let h = key.withUnsafeBufferPointer { hashBytes($0.baseAddress!, $0.count) }
                if key.withUnsafeBufferPointer({ set.findOrInsert($0, hash: h).inserted }) { c[Int(t)] &+= 1 }
            }
            s = .distinctCount(c, set: set)
        default:
            throw QueryError(.invalidArgument, "HashAggregate.merge: state mismatch")
        }
    }

    /// The key columns alone, one row per group in group-id order.
    public func keyColumns() -> [Column] {
        intKeys ? keyTypes.indices.map { intKeyVector($0).column() } : keyValues.map { $0.finish().column() }
    }

    /// One row per group: key columns, then aggregate columns (see `outputSchema`).
    public func finish() -> RecordBatch {
        var columns = keyColumns()
        for (a, state) in states.enumerated() {
            let type = outputSchema.fields[keys.count + a].type
            columns.append(Self.result(state, type, argumentTypes[a], aggregates[a].function).column())
        }
        return RecordBatch(schema: outputSchema, columns: columns, rowCount: groups)
    }

    private static func result(_ state: AggregateState, _ type: DataType, _ input: DataType?, _ f: AggregateFunction) -> Vector {
        func validity(_ seen: [Bool]) -> [Bool]? { seen.contains(false) ? seen : nil }
        switch state {
        case .count(let c), .distinctCount(let c, _): return Vector(type: .int64, values: .int(c), validity: nil)
        case .sumWide(let s, let seen): return Vector(type: type, values: .wide(s), validity: validity(seen))
        case .sumDouble(let s, let seen): return Vector(type: type, values: .double(s), validity: validity(seen))
        case .avgWide(let s, let c):
            var scale = 1.0
            if case .decimal(_, let sc) = input { for _ in 0..<sc { scale *= 10 } }
            let out = zip(s, c).map { $1 == 0 ? 0 : avgOfWide($0, $1) / scale }
            return Vector(type: .float64, values: .double(out), validity: validity(c.map { $0 > 0 }))
        case .avgDouble(let s, let c):
            let out = zip(s, c).map { $1 == 0 ? 0 : $0 / Double($1) }
            return Vector(type: .float64, values: .double(out), validity: validity(c.map { $0 > 0 }))
        case .minMaxInt(let s, let seen): return Vector(type: type, values: .int(s), validity: validity(seen))
        case .minMaxDouble(let s, let seen): return Vector(type: type, values: .double(s), validity: validity(seen))
        case .minMaxWide(let s, let seen): return Vector(type: type, values: .wide(s), validity: validity(seen))
        case .minMaxBool(let s, let seen): return Vector(type: type, values: .bool(s), validity: validity(seen))
        case .minMaxBytes(let s, let seen):
            var b = ByteArrays()
            for x in s { b.append(x) }
            return Vector(type: type, values: .bytes(b), validity: validity(seen))
        case .moments(let c, _, let m2):
            let out = zip(c, m2).map { (n, m) -> Double in
                guard n > 1 else { return 0 }
                let v = m / Double(n - 1)
                return f == .stddevSamp ? v.squareRoot() : v
            }
            return Vector(type: .float64, values: .double(out), validity: validity(c.map { $0 > 1 }))
        }
    }

    /// sum / count with the integer part divided exactly first, so large sums keep precision.
    private static func avgOfWide(_ sum: Int128, _ count: Int64) -> Double {
        let q = sum / Int128(count), r = sum % Int128(count)
        return Double(q) + Double(r) / Double(count)
    }
}

/// `body` with a pointer to `a`'s storage, or with nil when there is no array.
@inline(__always) func withOptionalBuffer<T, R>(_ a: [T]?, _ body: (UnsafeBufferPointer<T>?) -> R) -> R {
    guard let a else { return body(nil) }
    return a.withUnsafeBufferPointer { body($0) }
}

/// Calls `body(row, group)` for each row whose argument is valid (every row when `valid` is nil),
/// in one loop over contiguous storage; inlined, so `body` is no call per row.
@inline(__always) func forEachValidRow(_ gid: [Int32], _ valid: [Bool]?, _ body: (Int, Int) -> Void) {
    gid.withUnsafeBufferPointer { g in
        if let valid {
            valid.withUnsafeBufferPointer { ok in
                for i in 0..<g.count where ok[i] { body(i, Int(g[i])) }
            }
        } else {
            for i in 0..<g.count { body(i, Int(g[i])) }
        }
    }
}

/// Adds each row's value to its group's sum (and 1 to its count) when consecutive rows mostly
/// share a group (sorted or clustered keys): the running sum stays in a register through a run,
/// loaded from and stored back to the group's slot at the run's ends, so the additions are the
/// same, in the same order, as one at a time through memory (identical results), without a
/// store-to-load round trip per row. Returns false, doing nothing, when the first rows' runs are short.
func sumDoubleRuns(_ s: UnsafeMutableBufferPointer<Double>, counts c: UnsafeMutableBufferPointer<Int64>?,
                   _ v: UnsafeBufferPointer<Double>, _ gid: [Int32]) -> Bool {
    gid.withUnsafeBufferPointer { g in
        let n = g.count
        guard n >= 64, v.count == n else { return false }
        // Judged on the first rows only, so unclustered keys cost a short look, not a pass.
        let probe = min(n, 2048)
        var changes = 0
        for i in 1..<probe { changes &+= g[i] != g[i &- 1] ? 1 : 0 }
        guard changes < probe / 16 else { return false }
        var start = 0
        while start < n {
            let group = Int(g[start])
            var end = start &+ 1
            while end < n && Int(g[end]) == group { end &+= 1 }
            var acc = s[group]
            for i in start..<end { acc += v[i] }
            s[group] = acc
            if let c { c[group] &+= Int64(end &- start) }
            start = end
        }
        return true
    }
}

/// Adds each row's 1 (0 where `valid` is false) to its group's count. With few groups most rows
/// hit the same counter, and each increment waits for the previous one's store; four lanes of
/// counters, summed at the end, keep four increments in flight (integer sums are exact in any order).
func countRows(into c: inout [Int64], _ gid: [Int32], _ valid: [Bool]?) {
    let groups = c.count, n = gid.count
    guard groups <= 256, n >= 4 * groups, valid.map({ $0.count == n }) ?? true else {
        c.withUnsafeMutableBufferPointer { c in forEachValidRow(gid, valid) { _, g in c[g] &+= 1 } }
        return
    }
    var lanes = [Int64](repeating: 0, count: 4 * groups)
    lanes.withUnsafeMutableBufferPointer { l in
        let l0 = l.baseAddress!, l1 = l0 + groups, l2 = l1 + groups, l3 = l2 + groups
        gid.withUnsafeBufferPointer { g in
            let quads = n / 4
            withOptionalBuffer(valid) { ok in
                if let ok {
                    for q in 0..<quads {
                        let i = q &* 4
                        l0[Int(g[i])] &+= ok[i] ? 1 : 0
                        l1[Int(g[i &+ 1])] &+= ok[i &+ 1] ? 1 : 0
                        l2[Int(g[i &+ 2])] &+= ok[i &+ 2] ? 1 : 0
                        l3[Int(g[i &+ 3])] &+= ok[i &+ 3] ? 1 : 0
                    }
                    for i in (quads &* 4)..<n { l0[Int(g[i])] &+= ok[i] ? 1 : 0 }
                } else {
                    for q in 0..<quads {
                        let i = q &* 4
                        l0[Int(g[i])] &+= 1
                        l1[Int(g[i &+ 1])] &+= 1
                        l2[Int(g[i &+ 2])] &+= 1
                        l3[Int(g[i &+ 3])] &+= 1
                    }
                    for i in (quads &* 4)..<n { l0[Int(g[i])] &+= 1 }
                }
            }
        }
    }
    for k in 0..<groups { c[k] &+= lanes[k] &+ lanes[groups + k] &+ lanes[2 * groups + k] &+ lanes[3 * groups + k] }
}
