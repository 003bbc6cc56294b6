import Columnar

/// Appends kernel values row by row (for operators that build results group by group).
struct VectorBuilder: Sendable {
    let type: DataType
    var values: VectorValues
    var validity: [Bool] = []
    var hasNull = false

    init(type: DataType, capacity: Int = 0) {
        self.type = type
        values = Vector.zeros(type, 0)
        validity.reserveCapacity(capacity)
    }

    var count: Int { validity.count }

    mutating func appendNulls(_ k: Int) {
        guard k > 0 else { return }
        hasNull = true
        validity.append(contentsOf: repeatElement(false, count: k))
        switch values {
        case .bool(var v): values = .int([]); v.append(contentsOf: repeatElement(false, count: k)); values = .bool(v)
        case .int(var v): values = .int([]); v.append(contentsOf: repeatElement(0, count: k)); values = .int(v)
        case .double(var v): values = .int([]); v.append(contentsOf: repeatElement(0, count: k)); values = .double(v)
        case .wide(var v): values = .int([]); v.append(contentsOf: repeatElement(0, count: k)); values = .wide(v)
        case .bytes(var v): values = .int([]); for _ in 0..<k { v.appendEmpty() }; values = .bytes(v)
        }
    }

    /// Appends row `i` of `source` (same kernel type).
    mutating func append(_ source: Vector, _ i: Int) {
        let valid = source.isValid(i)
        if !valid { appendNulls(1); return }
        validity.append(true)
        // One switch on `values` alone, its storage taken out before appending so the buffer is
        // uniquely held and grows in place. (Switching on a tuple of `values` and the source held a
        // second reference for the whole switch: every append copied everything appended so far.)
        let source = source.values
        func mismatch() -> Never { preconditionFailure("VectorBuilder: kernel storage mismatch") }
        switch values {
        case .bool(var v):
            guard case .bool(let s) = source else { mismatch() }
            values = .int([]); v.append(s[i]); values = .bool(v)
        case .int(var v):
            guard case .int(let s) = source else { mismatch() }
            values = .int([]); v.append(s[i]); values = .int(v)
        case .double(var v):
            guard case .double(let s) = source else { mismatch() }
            values = .int([]); v.append(s[i]); values = .double(v)
        case .wide(var v):
            guard case .wide(let s) = source else { mismatch() }
            values = .int([]); v.append(s[i]); values = .wide(v)
        case .bytes(var v):
            guard case .bytes(let s) = source else { mismatch() }
            values = .int([]); v.append(s[i]); values = .bytes(v)
        }
    }

    func finish() -> Vector {
        Vector(type: type, values: values, validity: hasNull ? validity : nil)
    }
}

/// Row-wise choice and placement of kernel values.
enum Select {
    /// `mask[i] ? a[i] : b[i]`, validity chosen the same way.
    static func choose(mask: [Bool], ifTrue a: Vector, ifFalse b: Vector) -> Vector {
        let n = mask.count
        var validity: [Bool]? = nil
        if a.validity != nil || b.validity != nil {
            var v = [Bool](repeating: true, count: n)
            for i in 0..<n { v[i] = mask[i] ? a.isValid(i) : b.isValid(i) }
            validity = v
        }
        let values: VectorValues
        switch (a.values, b.values) {
        case (.bool(let x), .bool(let y)): values = .bool(blend(mask, x, y))
        case (.int(let x), .int(let y)): values = .int(blend(mask, x, y))
        case (.double(let x), .double(let y)): values = .double(blend(mask, x, y))
        case (.wide(let x), .wide(let y)): values = .wide(blend(mask, x, y))
        case (.bytes(let x), .bytes(let y)):
            var out = ByteArrays()
            out.reserve(values: n, bytes: max(x.data.count, y.data.count))
            for i in 0..<n { out.append(mask[i] ? x[i] : y[i]) }
            values = .bytes(out)
        default: preconditionFailure("Select.choose: kernel storage mismatch")
        }
        return Vector(type: a.type, values: values, validity: validity)
    }

    private static func blend<T>(_ mask: [Bool], _ a: [T], _ b: [T]) -> [T] {
        var out = b
        out.withUnsafeMutableBufferPointer { o in
            a.withUnsafeBufferPointer { x in
                mask.withUnsafeBufferPointer { m in
                    for i in 0..<o.count where m[i] { o[i] = x[i] }
                }
            }
        }
        return out
    }

    /// `into` with rows `rows[k]` replaced by `source[k]`.
    static func scatter(_ source: Vector, at rows: Selection, into target: Vector) -> Vector {
        if rows.count == 0 { return target }
        var validity = target.validity ?? [Bool](repeating: true, count: target.count)
        for (k, r) in rows.indices.enumerated() { validity[Int(r)] = source.isValid(k) }
        let values: VectorValues
        switch (target.values, source.values) {
        case (.bool(var t), .bool(let s)): for (k, r) in rows.indices.enumerated() { t[Int(r)] = s[k] }; values = .bool(t)
        case (.int(var t), .int(let s)): for (k, r) in rows.indices.enumerated() { t[Int(r)] = s[k] }; values = .int(t)
        case (.double(var t), .double(let s)): for (k, r) in rows.indices.enumerated() { t[Int(r)] = s[k] }; values = .double(t)
        case (.wide(var t), .wide(let s)): for (k, r) in rows.indices.enumerated() { t[Int(r)] = s[k] }; values = .wide(t)
        case (.bytes(let t), .bytes(let s)):
            // Map each target row to (from source?, index) and rebuild.
            var from = [Int32](repeating: -1, count: target.count)
            for (k, r) in rows.indices.enumerated() { from[Int(r)] = Int32(k) }
            var out = ByteArrays()
            for i in 0..<target.count { out.append(from[i] >= 0 ? s[Int(from[i])] : t[i]) }
            values = .bytes(out)
        default: preconditionFailure("Select.scatter: kernel storage mismatch")
        }
        let anyNull = validity.contains(false)
        return Vector(type: target.type, values: values, validity: anyNull ? validity : nil)
    }
}

enum Literals {
    static func broadcast(_ v: ScalarValue, count n: Int, hint: DataType?) throws(QueryError) -> Vector {
        switch v {
        case .null: return Vector.allNull(hint.flatMap(KernelType.normalize) ?? .int64, count: n)
        case .bool(let b): return Vector(type: .boolean, values: .bool([Bool](repeating: b, count: n)), validity: nil)
        case .int64(let x): return Vector(type: .int64, values: .int([Int64](repeating: x, count: n)), validity: nil)
        case .double(let x): return Vector(type: .float64, values: .double([Double](repeating: x, count: n)), validity: nil)
        case .decimal(let x, let p, let s):
            guard (1...38).contains(p), (0...p).contains(s) else {
                throw QueryError(.invalidArgument, "decimal(\(p), \(s)) is not a valid decimal type")
            }
            return Vector(type: .decimal(precision: p, scale: s), values: .wide([Int128](repeating: x, count: n)), validity: nil)
        case .string(let s):
            let bytes = Array(s.utf8)
            var offsets = [Int32](repeating: 0, count: n + 1)
            for i in 0...n { offsets[i] = Int32(i * bytes.count) }
            var data = [UInt8](); data.reserveCapacity(n * bytes.count)
            for _ in 0..<n { data.append(contentsOf: bytes) }
            return Vector(type: .string, values: .bytes(ByteArrays(offsets: offsets, data: data)), validity: nil)
        case .date(let d): return Vector(type: .date, values: .int([Int64](repeating: Int64(d), count: n)), validity: nil)
        case .timestamp(let t): return Vector(type: KernelType.timestamp, values: .int([Int64](repeating: t, count: n)), validity: nil)
        }
    }
}
