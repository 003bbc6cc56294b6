import Columnar

/// The decoded contents of one column chunk: level streams and the non-null values in order.
struct LeafData: Sendable {
    /// One entry per level entry; nil when the column's max definition level is 0.
    var definitionLevels: [Int32]?
    /// nil when the column's max repetition level is 0.
    var repetitionLevels: [Int32]?
    /// Values present (definition level == max), in order.
    var values: ColumnValues
    /// Number of level entries (values + nulls + empty lists).
    var entryCount: Int
    /// Flat columns: `values` are already row-aligned, and this is their validity (inner nil:
    /// no nulls). Nil for columns that need record assembly.
    var denseValidity: [Bool]?? = nil
}

extension ColumnValues {
    /// Placeholder-filled copy for flat columns: `compact` holds the values whose level is 1.
    var emptyLike: ColumnValues {
        switch self {
        case .boolean: .boolean([])
        case .int32: .int32([])
        case .int64: .int64([])
        case .float32: .float32([])
        case .float64: .float64([])
        case .bytes: .bytes(ByteArrays())
        case .fixed(let width, _): .fixed(width: width, data: [])
        case .list, .map, .structure: self
        }
    }

    /// Spreads compact values over the slots flagged `present`, writing zero placeholders in the others.
    func scattered(present: [Bool]) -> ColumnValues {
        switch self {
        case .boolean(let v): return .boolean(Self.scatter(v, present, zero: false))
        case .int32(let v): return .int32(Self.scatter(v, present, zero: 0))
        case .int64(let v): return .int64(Self.scatter(v, present, zero: 0))
        case .float32(let v): return .float32(Self.scatter(v, present, zero: 0))
        case .float64(let v): return .float64(Self.scatter(v, present, zero: 0))
        case .bytes(let v):
            var offsets = [Int32]()
            offsets.reserveCapacity(present.count + 1)
            offsets.append(0)
            var next = 1
            for p in present {
                if p { offsets.append(v.offsets[next]); next += 1 } else { offsets.append(v.offsets[next - 1]) }
            }
            return .bytes(ByteArrays(offsets: offsets, data: v.data))
        case .fixed(let width, let data):
            var out = [UInt8](repeating: 0, count: present.count * width)
            var source = 0
            for (i, p) in present.enumerated() where p {
                out.replaceSubrange(i * width..<(i + 1) * width, with: data[source..<source + width])
                source += width
            }
            return .fixed(width: width, data: out)
        case .list, .map, .structure:
            preconditionFailure("scatter applies to primitive values only")
        }
    }

    private static func scatter<T>(_ values: [T], _ present: [Bool], zero: T) -> [T] {
        var out = [T](repeating: zero, count: present.count)
        var next = 0
        out.withUnsafeMutableBufferPointer { o in
            values.withUnsafeBufferPointer { v in
                for i in 0..<present.count where present[i] {
                    o[i] = v[next]
                    next &+= 1
                }
            }
        }
        return out
    }
}
