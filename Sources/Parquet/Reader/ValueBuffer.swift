import Columnar

/// Growing storage for the decoded non-null values of one column chunk, by physical type.
enum ValueBuffer {
    case boolean([Bool])
    case int32([Int32])
    case int64([Int64])
    case float([Float])
    case double([Double])
    case bytes(ByteArrays)
    case fixed(width: Int, data: [UInt8])

    init(physical: PhysicalType, typeLength: Int, capacity: Int) {
        switch physical {
        case .boolean: var v = [Bool](); v.reserveCapacity(capacity); self = .boolean(v)
        case .int32: var v = [Int32](); v.reserveCapacity(capacity); self = .int32(v)
        case .int64, .int96: var v = [Int64](); v.reserveCapacity(capacity); self = .int64(v)
        case .float: var v = [Float](); v.reserveCapacity(capacity); self = .float(v)
        case .double: var v = [Double](); v.reserveCapacity(capacity); self = .double(v)
        case .byteArray: var v = ByteArrays(); v.reserve(values: capacity, bytes: 0); self = .bytes(v)
        case .fixedLenByteArray: self = .fixed(width: typeLength, data: [])
        }
    }

    var count: Int {
        switch self {
        case .boolean(let v): v.count
        case .int32(let v): v.count
        case .int64(let v): v.count
        case .float(let v): v.count
        case .double(let v): v.count
        case .bytes(let v): v.count
        case .fixed(let w, let d): w == 0 ? 0 : d.count / w
        }
    }

    var columnValues: ColumnValues {
        switch self {
        case .boolean(let v): .boolean(v)
        case .int32(let v): .int32(v)
        case .int64(let v): .int64(v)
        case .float(let v): .float32(v)
        case .double(let v): .float64(v)
        case .bytes(let v): .bytes(v)
        case .fixed(let w, let d): .fixed(width: w, data: d)
        }
    }

    /// Appends one slot per level: the next compact value where the level is 1 (present),
    /// a zero / empty placeholder where it is 0 (null).
    mutating func appendScattered(_ compact: ValueBuffer, levels: [Int32]) {
        switch (compact) {
        case .boolean(let c):
            guard case .boolean(var v) = self else { return }
            self = .boolean([]); Self.scatter(c, levels, into: &v, zero: false); self = .boolean(v)
        case .int32(let c):
            guard case .int32(var v) = self else { return }
            self = .int32([]); Self.scatter(c, levels, into: &v, zero: 0); self = .int32(v)
        case .int64(let c):
            guard case .int64(var v) = self else { return }
            self = .int64([]); Self.scatter(c, levels, into: &v, zero: 0); self = .int64(v)
        case .float(let c):
            guard case .float(var v) = self else { return }
            self = .float([]); Self.scatter(c, levels, into: &v, zero: 0); self = .float(v)
        case .double(let c):
            guard case .double(var v) = self else { return }
            self = .double([]); Self.scatter(c, levels, into: &v, zero: 0); self = .double(v)
        case .bytes(let c):
            guard case .bytes(var v) = self else { return }
            self = .bytes(ByteArrays())
            v.data.append(contentsOf: c.data)
            let base = v.offsets[v.offsets.count - 1]
            var next = 1
            v.offsets.reserveCapacity(v.offsets.count + levels.count)
            for level in levels {
                if level == 1 { v.offsets.append(base + c.offsets[next]); next += 1 } else { v.offsets.append(base + c.offsets[next - 1]) }
            }
            self = .bytes(v)
        case .fixed(let width, let c):
            guard case .fixed(_, var v) = self else { return }
            self = .fixed(width: width, data: [])
            var source = 0
            v.reserveCapacity(v.count + levels.count * width)
            for level in levels {
                if level == 1 {
                    v.append(contentsOf: c[source..<source + width])
                    source += width
                } else {
                    v.append(contentsOf: repeatElement(0, count: width))
                }
            }
            self = .fixed(width: width, data: v)
        }
    }

    private static func scatter<T>(_ compact: [T], _ levels: [Int32], into out: inout [T], zero: T) {
        let start = out.count
        out.append(contentsOf: repeatElement(zero, count: levels.count))
        out.withUnsafeMutableBufferPointer { o in
            compact.withUnsafeBufferPointer { c in
                levels.withUnsafeBufferPointer { l in
                    var next = 0
                    for i in 0..<l.count where l[i] == 1 {
                        o[start &+ i] = c[next]
                        next &+= 1
                    }
                }
            }
        }
    }
}
