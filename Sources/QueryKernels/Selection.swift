import Columnar

/// Row indices chosen from a batch, in order (a selection vector).
public struct Selection: Sendable, Hashable {
    public var indices: [Int32]

    public init(_ indices: [Int32]) { self.indices = indices }
    public var count: Int { indices.count }

    /// Rows whose flag is true and valid (SQL WHERE keeps TRUE only).
    public static func fromMask(_ mask: [Bool], validity: [Bool]?) -> Selection {
        let n = mask.count
        precondition(validity == nil || validity!.count == n, "Selection.fromMask: validity and mask lengths differ")
        // Uninitialised: only the first k slots are ever written, so no n-row zero fill.
        let out = [Int32](unsafeUninitializedCapacity: n) { o, done in
            var k = 0
            mask.withUnsafeBufferPointer { m in
                withOptionalBuffer(validity) { v in
                    guard n > 0 else { return }
                    // Eight flags per word (a Bool is one byte, 0 or 1): all-false words are skipped,
                    // set bytes are found by their lowest bit, so sparse filters cost little per row.
                    let mw = UnsafeRawPointer(m.baseAddress!), vw = v.map { UnsafeRawPointer($0.baseAddress!) }
                    var i = 0
                    while i &+ 8 <= n {
                        var w = mw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                        if let vw { w &= vw.loadUnaligned(fromByteOffset: i, as: UInt64.self) }
                        while w != 0 {
                            o[k] = Int32(truncatingIfNeeded: i &+ (w.trailingZeroBitCount &>> 3))
                            k &+= 1
                            w &= w &- 1
                        }
                        i &+= 8
                    }
                    while i < n {
                        o[k] = Int32(truncatingIfNeeded: i)
                        k &+= (m[i] && (v?[i] ?? true)) ? 1 : 0
                        i &+= 1
                    }
                }
            }
            done = k
        }
        return Selection(out)
    }
}

extension RecordBatch {
    /// The selected rows, in selection order.
    public func take(_ rows: Selection) -> RecordBatch {
        RecordBatch(schema: schema, columns: columns.map { $0.take(rows.indices) }, rowCount: rows.count)
    }

    /// Columns `columns` of the batch, in that order.
    public func selecting(_ columns: [Int]) -> RecordBatch {
        RecordBatch(schema: Schema(columns.map { schema.fields[$0] }), columns: columns.map { self.columns[$0] }, rowCount: rowCount)
    }

    /// Rows `range` of the batch.
    public func slice(_ range: Range<Int>) -> RecordBatch {
        take(Selection(range.map { Int32($0) }))
    }
}

@inline(__always) func gather<T>(_ values: [T], _ idx: [Int32]) -> [T] {
    values.withUnsafeBufferPointer { v in
        idx.withUnsafeBufferPointer { ix in
            [T](unsafeUninitializedCapacity: ix.count) { out, done in
                for k in 0..<ix.count { (out.baseAddress! + k).initialize(to: v[Int(ix[k])]) }
                done = ix.count
            }
        }
    }
}

/// Gathers variable-length values; an index of -1 gives an empty value (for outer-join NULL rows).
func gatherBytes(_ b: ByteArrays, _ idx: [Int32]) -> ByteArrays {
    var total = 0
    b.offsets.withUnsafeBufferPointer { o in
        for i in idx where i >= 0 { total &+= Int(o[Int(i) + 1] &- o[Int(i)]) }
    }
    var offsets = [Int32](repeating: 0, count: idx.count + 1)
    var data = [UInt8](repeating: 0, count: total)
    b.offsets.withUnsafeBufferPointer { o in
        b.data.withUnsafeBufferPointer { src in
            data.withUnsafeMutableBufferPointer { dst in
                offsets.withUnsafeMutableBufferPointer { off in
                    var pos = 0
                    for k in 0..<idx.count {
                        let i = Int(idx[k])
                        if i >= 0 {
                            let s = Int(o[i]), len = Int(o[i + 1]) &- s
                            if len > 0 { (dst.baseAddress! + pos).update(from: src.baseAddress! + s, count: len) }
                            pos &+= len
                        }
                        off[k + 1] = Int32(truncatingIfNeeded: pos)
                    }
                }
            }
        }
    }
    return ByteArrays(offsets: offsets, data: data)
}

extension Column {
    /// The rows at `idx`, in order. An index of -1 gives a NULL row (used by outer joins).
    public func take(_ idx: [Int32]) -> Column {
        let hasMissing = idx.contains(where: { $0 < 0 })
        // Only NULL rows can come from an empty column (an outer join's empty build side): there
        // is no row 0 to stand in for them below.
        if count == 0 {
            precondition(!idx.contains(where: { $0 >= 0 }), "Column.take: row index past an empty column")
            return Column(type: type, values: values.placeholders(idx.count), validity: [Bool](repeating: false, count: idx.count))
        }
        let safe = hasMissing ? idx.map { max($0, 0) } : idx
        var validity: [Bool]? = self.validity.map { gather($0, safe) }
        if hasMissing {
            var v = validity ?? [Bool](repeating: true, count: idx.count)
            for k in idx.indices where idx[k] < 0 { v[k] = false }
            validity = v
        }
        let values: ColumnValues
        switch self.values {
        case .boolean(let v): values = .boolean(gather(v, safe))
        case .int32(let v): values = .int32(gather(v, safe))
        case .int64(let v): values = .int64(gather(v, safe))
        case .float32(let v): values = .float32(gather(v, safe))
        case .float64(let v): values = .float64(gather(v, safe))
        case .bytes(let b): values = .bytes(gatherBytes(b, idx))
        case .fixed(let width, let data):
            var out = [UInt8](repeating: 0, count: idx.count * width)
            for k in idx.indices where idx[k] >= 0 {
                let s = Int(idx[k]) * width
                out.replaceSubrange(k * width..<(k + 1) * width, with: data[s..<s + width])
            }
            values = .fixed(width: width, data: out)
        case .list(let offsets, let child):
            var newOffsets: [Int32] = [0]
            var childIdx: [Int32] = []
            for i in idx {
                if i >= 0 { for c in offsets[Int(i)]..<offsets[Int(i) + 1] { childIdx.append(c) } }
                newOffsets.append(Int32(childIdx.count))
            }
            values = .list(offsets: newOffsets, child: child.take(childIdx))
        case .map(let offsets, let keys, let vals):
            var newOffsets: [Int32] = [0]
            var childIdx: [Int32] = []
            for i in idx {
                if i >= 0 { for c in offsets[Int(i)]..<offsets[Int(i) + 1] { childIdx.append(c) } }
                newOffsets.append(Int32(childIdx.count))
            }
            values = .map(offsets: newOffsets, keys: keys.take(childIdx), values: vals.take(childIdx))
        case .structure(let children):
            values = .structure(children.map { $0.take(idx) })
        }
        if hasMissing { return Column(type: type, values: values, validity: validity).zeroingNulls() }
        return Column(type: type, values: values, validity: validity)
    }

    /// Resets value slots of NULL rows to zero (gathering with -1 copied row 0 there).
    func zeroingNulls() -> Column {
        guard let validity else { return self }
        var c = self
        switch c.values {
        case .boolean(var v): for i in v.indices where !validity[i] { v[i] = false }; c.values = .boolean(v)
        case .int32(var v): for i in v.indices where !validity[i] { v[i] = 0 }; c.values = .int32(v)
        case .int64(var v): for i in v.indices where !validity[i] { v[i] = 0 }; c.values = .int64(v)
        case .float32(var v): for i in v.indices where !validity[i] { v[i] = 0 }; c.values = .float32(v)
        case .float64(var v): for i in v.indices where !validity[i] { v[i] = 0 }; c.values = .float64(v)
        default: break
        }
        return c
    }
}

extension ColumnValues {
    /// `n` placeholder slots (zeros, empty values) of the same storage, for NULL rows.
    func placeholders(_ n: Int) -> ColumnValues {
        switch self {
        case .boolean: .boolean([Bool](repeating: false, count: n))
        case .int32: .int32([Int32](repeating: 0, count: n))
        case .int64: .int64([Int64](repeating: 0, count: n))
        case .float32: .float32([Float](repeating: 0, count: n))
        case .float64: .float64([Double](repeating: 0, count: n))
        case .bytes: .bytes(ByteArrays(offsets: [Int32](repeating: 0, count: n + 1), data: []))
        case .fixed(let width, _): .fixed(width: width, data: [UInt8](repeating: 0, count: n * width))
        case .list(_, let child): .list(offsets: [Int32](repeating: 0, count: n + 1), child: child)
        case .map(_, let keys, let values): .map(offsets: [Int32](repeating: 0, count: n + 1), keys: keys, values: values)
        case .structure(let children): .structure(children.map { $0.take([Int32](repeating: -1, count: n)) })
        }
    }
}
