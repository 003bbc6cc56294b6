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
}
