import Columnar

/// Orders doubles as DuckDB does: -0 = +0, NaN equals NaN and sorts above +inf.
@inline(__always) func doubleKey(_ x: Double) -> Int64 {
    if x.isNaN { return .max }
    let bits = Int64(bitPattern: (x + 0.0).bitPattern)  // + 0.0 turns -0 into +0
    return bits < 0 ? bits ^ Int64.max : bits
}

@inline(__always) func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ aStart: Int, _ aLen: Int,
                                    _ b: UnsafeBufferPointer<UInt8>, _ bStart: Int, _ bLen: Int) -> Int {
    let common = min(aLen, bLen)
    if common > 0 {
        let c = memcmpBytes(a.baseAddress! + aStart, b.baseAddress! + bStart, common)
        if c != 0 { return c }
    }
    return aLen < bLen ? -1 : (aLen > bLen ? 1 : 0)
}

@inline(__always) func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Int {
    var i = 0
    while i &+ 8 <= n {
        let x = UInt64(bigEndian: UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self))
        let y = UInt64(bigEndian: UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self))
        if x != y { return x < y ? -1 : 1 }
        i &+= 8
    }
    while i < n {
        if a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        i &+= 1
    }
    return 0
}

enum Comparison {
    /// Both inputs have the same kernel type.
    static func compare(_ op: ComparisonOperator, _ a: Vector, _ b: Vector) -> Vector {
        let validity = andValidity(a.validity, b.validity)
        let out: [Bool]
        switch (a.values, b.values) {
        case (.int(let x), .int(let y)): out = loop(op, x, y)
        case (.double(let x), .double(let y)): out = loop(op, x.map(doubleKey), y.map(doubleKey))
        case (.wide(let x), .wide(let y)): out = loop(op, x, y)
        case (.bool(let x), .bool(let y)): out = loop(op, x.map { $0 ? 1 as Int8 : 0 }, y.map { $0 ? 1 as Int8 : 0 })
        case (.bytes(let x), .bytes(let y)): out = strings(op, x, y)
        default: preconditionFailure("Comparison: kernel storage mismatch")
        }
        return Vector(type: .boolean, values: .bool(out), validity: validity)
    }

    private static func loop<T: Comparable>(_ op: ComparisonOperator, _ a: [T], _ b: [T]) -> [Bool] {
        let n = a.count
        return [Bool](unsafeUninitializedCapacity: n) { o, done in
            a.withUnsafeBufferPointer { x in
                b.withUnsafeBufferPointer { y in
                    switch op {
                    case .equal: for i in 0..<n { o[i] = x[i] == y[i] }
                    case .notEqual: for i in 0..<n { o[i] = x[i] != y[i] }
                    case .less: for i in 0..<n { o[i] = x[i] < y[i] }
                    case .lessOrEqual: for i in 0..<n { o[i] = x[i] <= y[i] }
                    case .greater: for i in 0..<n { o[i] = x[i] > y[i] }
                    case .greaterOrEqual: for i in 0..<n { o[i] = x[i] >= y[i] }
                    }
                }
            }
            done = n
        }
    }

    private static func strings(_ op: ComparisonOperator, _ a: ByteArrays, _ b: ByteArrays) -> [Bool] {
        let n = a.count
        var out = [Bool](repeating: false, count: n)
        a.offsets.withUnsafeBufferPointer { ao in
            b.offsets.withUnsafeBufferPointer { bo in
                a.data.withUnsafeBufferPointer { ad in
                    b.data.withUnsafeBufferPointer { bd in
                        for i in 0..<n {
                            let as_ = Int(ao[i]), al = Int(ao[i + 1]) &- as_
                            let bs = Int(bo[i]), bl = Int(bo[i + 1]) &- bs
                            let c: Int
                            if (op == .equal || op == .notEqual) && al != bl { c = 1 } else {
                                c = compareBytes(ad, as_, al, bd, bs, bl)
                            }
                            switch op {
                            case .equal: out[i] = c == 0
                            case .notEqual: out[i] = c != 0
                            case .less: out[i] = c < 0
                            case .lessOrEqual: out[i] = c <= 0
                            case .greater: out[i] = c > 0
                            case .greaterOrEqual: out[i] = c >= 0
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// IS [NOT] DISTINCT FROM: never NULL; two NULLs are not distinct.
    static func distinct(_ a: Vector, _ b: Vector, negated: Bool) -> Vector {
        let ne = compare(.notEqual, a, b).bools
        var out = [Bool](repeating: false, count: ne.count)
        for i in 0..<ne.count {
            let va = a.isValid(i), vb = b.isValid(i)
            let d = (va && vb) ? ne[i] : (va != vb)
            out[i] = negated ? !d : d
        }
        return Vector(type: .boolean, values: .bool(out), validity: nil)
    }
}

enum Logic {
    static func and(_ a: Vector, _ b: Vector) -> Vector { combine(a, b, isAnd: true) }
    static func or(_ a: Vector, _ b: Vector) -> Vector { combine(a, b, isAnd: false) }

    /// Three-valued AND/OR: a FALSE (AND) or TRUE (OR) operand decides even if the other is NULL.
    private static func combine(_ a: Vector, _ b: Vector, isAnd: Bool) -> Vector {
        let x = a.bools, y = b.bools, n = x.count
        if a.validity == nil && b.validity == nil {
            var out = x
            out.withUnsafeMutableBufferPointer { o in
                y.withUnsafeBufferPointer { yy in
                    if isAnd { for i in 0..<n { o[i] = o[i] && yy[i] } } else { for i in 0..<n { o[i] = o[i] || yy[i] } }
                }
            }
            return Vector(type: .boolean, values: .bool(out), validity: nil)
        }
        var out = [Bool](repeating: false, count: n)
        var valid = [Bool](repeating: true, count: n)
        for i in 0..<n {
            let va = a.isValid(i), vb = b.isValid(i)
            let xa = va && x[i], xb = vb && y[i]
            if isAnd {
                let decidedFalse = (va && !x[i]) || (vb && !y[i])
                out[i] = xa && xb
                valid[i] = decidedFalse || (va && vb)
            } else {
                out[i] = xa || xb
                valid[i] = out[i] || (va && vb)
            }
        }
        return Vector(type: .boolean, values: .bool(out), validity: valid)
    }

    static func not(_ a: Vector) -> Vector {
        Vector(type: .boolean, values: .bool(a.bools.map { !$0 }), validity: a.validity)
    }

    static func isNull(_ a: Vector, negated: Bool) -> Vector {
        let n = a.count
        let out = a.validity.map { v in negated ? v : v.map { !$0 } } ?? [Bool](repeating: negated, count: n)
        return Vector(type: .boolean, values: .bool(out), validity: nil)
    }
}
