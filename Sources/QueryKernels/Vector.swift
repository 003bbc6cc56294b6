import Columnar

/// Kernel types: every input type is read as one of these, and every result has one.
/// - boolean: `[Bool]`
/// - int64 (all of int8…int64, uint8…uint32): `[Int64]`; result columns `.int64`
/// - float64 (float32 too): `[Double]`; result columns `.float64`
/// - decimal(p, s): unscaled `[Int128]` inside kernels; result columns hold `.int64` unscaled when
///   p ≤ 18, else `.fixed(width: 16)` big-endian two's complement (as Parquet's FIXED decimals)
/// - string (json, enum, binary too): `ByteArrays`
/// - date: days as `[Int64]` inside kernels; result columns `.int32`
/// - timestamp: microseconds UTC as `[Int64]`; result columns `.int64`, type `.timestamp(.micros, utc: true)`
public enum KernelType {
    public static let timestamp = DataType.timestamp(.micros, utc: true)

    /// The kernel type a column of `type` is read as, or `nil` if kernels cannot read it.
    public static func normalize(_ type: DataType) -> DataType? {
        switch type {
        case .boolean: return .boolean
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: return .int64
        case .float32, .float64, .float16: return .float64
        case .decimal(let p, let s): return .decimal(precision: p, scale: s)
        case .string, .json, .enumeration, .binary, .uuid, .fixedBinary: return .string
        case .date: return .date
        case .timestamp: return timestamp
        default: return nil
        }
    }
}

/// Values of one kernel type in contiguous storage.
enum VectorValues: Sendable {
    case bool([Bool])
    case int([Int64])
    case double([Double])
    case wide([Int128])
    case bytes(ByteArrays)
}

/// A kernel's working column: normalized storage, kernel type and validity (`nil` = no nulls).
struct Vector: Sendable {
    var type: DataType
    var values: VectorValues
    var validity: [Bool]?

    var count: Int {
        switch values {
        case .bool(let v): return v.count
        case .int(let v): return v.count
        case .double(let v): return v.count
        case .wide(let v): return v.count
        case .bytes(let v): return v.count
        }
    }

    @inline(__always) func isValid(_ i: Int) -> Bool { validity?[i] ?? true }

    static func allNull(_ type: DataType, count n: Int) -> Vector {
        Vector(type: type, values: zeros(type, n), validity: [Bool](repeating: false, count: n))
    }

    static func zeros(_ type: DataType, _ n: Int) -> VectorValues {
        switch type {
        case .boolean: return .bool([Bool](repeating: false, count: n))
        case .float64: return .double([Double](repeating: 0, count: n))
        case .decimal: return .wide([Int128](repeating: 0, count: n))
        case .string:
            return .bytes(ByteArrays(offsets: [Int32](repeating: 0, count: n + 1), data: []))
        default: return .int([Int64](repeating: 0, count: n))
        }
    }

    var ints: [Int64] { if case .int(let v) = values { return v }; return [] }
    var doubles: [Double] { if case .double(let v) = values { return v }; return [] }
    var bools: [Bool] { if case .bool(let v) = values { return v }; return [] }
    var wides: [Int128] { if case .wide(let v) = values { return v }; return [] }
    var strings: ByteArrays { if case .bytes(let v) = values { return v }; return ByteArrays() }
}

/// Combined validity of two vectors (`nil` when neither has nulls).
func andValidity(_ a: [Bool]?, _ b: [Bool]?) -> [Bool]? {
    guard let a else { return b }
    guard let b else { return a }
    var out = a
    out.withUnsafeMutableBufferPointer { o in
        b.withUnsafeBufferPointer { bb in
            for i in 0..<o.count { o[i] = o[i] && bb[i] }
        }
    }
    return out
}

extension Vector {
    /// Reads a column into kernel storage (zero-copy for int64, float64, bool and strings).
    init(column: Column, name: String = "column") throws(QueryError) {
        guard let kernelType = KernelType.normalize(column.type) else {
            throw QueryError(.unsupported, "\(name): type \(column.type) is not supported in expressions")
        }
        type = kernelType
        validity = column.validity
        switch (kernelType, column.values) {
        case (.boolean, .boolean(let v)): values = .bool(v)
        case (.int64, .int64(let v)):
            if column.type == .uint64, v.contains(where: { $0 < 0 }) {
                throw QueryError(.overflow, "\(name): UBIGINT value out of range for BIGINT")
            }
            values = .int(v)
        case (.int64, .int32(let v)):
            if column.type == .uint32 {
                values = .int(v.map { Int64(UInt32(bitPattern: $0)) })
            } else {
                values = .int(v.map { Int64($0) })
            }
        case (.float64, .float64(let v)): values = .double(v)
        case (.float64, .float32(let v)): values = .double(v.map { Double($0) })
        case (.decimal, .int32(let v)): values = .wide(v.map { Int128($0) })
        case (.decimal, .int64(let v)): values = .wide(v.map { Int128($0) })
        case (.decimal, .fixed(let width, let data)):
            guard width <= 16 else { throw QueryError(.unsupported, "\(name): decimals wider than 16 bytes") }
            values = .wide(Self.bigEndianWides(data: data, width: width))
        case (.decimal, .bytes(let b)):
            var out = [Int128](); out.reserveCapacity(b.count)
            for i in 0..<b.count {
                let s = b[i]
                guard s.count <= 16 else { throw QueryError(.unsupported, "\(name): decimals wider than 16 bytes") }
                out.append(Self.bigEndianWide(s))
            }
            values = .wide(out)
        case (.string, .bytes(let b)): values = .bytes(b)
        case (.string, .fixed(let width, let data)):
            let n = width == 0 ? 0 : data.count / width
            var offsets = [Int32](); offsets.reserveCapacity(n + 1)
            for i in 0...n { offsets.append(Int32(i * width)) }
            values = .bytes(ByteArrays(offsets: offsets, data: data))
        case (.date, .int32(let v)): values = .int(v.map { Int64($0) })
        case (.date, .int64(let v)): values = .int(v)
        case (KernelType.timestamp, .int64(let v)):
            guard case .timestamp(let unit, _) = column.type else { values = .int(v); break }
            switch unit {
            case .micros: values = .int(v)
            case .millis:
                var out = v
                for i in out.indices {
                    let (m, o) = out[i].multipliedReportingOverflow(by: 1000)
                    if o { throw QueryError(.overflow, "\(name): timestamp out of range") }
                    out[i] = m
                }
                values = .int(out)
            case .nanos: values = .int(v.map { CivilTime.floorDivide($0, 1000).0 })
            }
        default:
            throw QueryError(.unsupported, "\(name): storage of type \(column.type) is not supported in expressions")
        }
    }

    static func bigEndianWide(_ s: ArraySlice<UInt8>) -> Int128 {
        guard let first = s.first else { return 0 }
        var v: Int128 = first & 0x80 != 0 ? -1 : 0
        for b in s { v = v &<< 8 | Int128(b) }
        return v
    }

    static func bigEndianWides(data: [UInt8], width: Int) -> [Int128] {
        let n = width == 0 ? 0 : data.count / width
        var out = [Int128](repeating: 0, count: n)
        data.withUnsafeBufferPointer { d in
            for i in 0..<n {
                let base = i * width
                var v: Int128 = d[base] & 0x80 != 0 ? -1 : 0
                for j in 0..<width { v = v &<< 8 | Int128(d[base + j]) }
                out[i] = v
            }
        }
        return out
    }

    /// The result column (storage documented on `KernelType`).
    func column() -> Column {
        switch (type, values) {
        case (.date, .int(let v)):
            return Column(type: .date, values: .int32(v.map { Int32(truncatingIfNeeded: $0) }), validity: validity)
        case (.decimal(let p, _), .wide(let v)):
            if p <= 18 {
                return Column(type: type, values: .int64(v.map { Int64(truncatingIfNeeded: $0) }), validity: validity)
            }
            var data = [UInt8](repeating: 0, count: v.count * 16)
            data.withUnsafeMutableBufferPointer { d in
                for i in 0..<v.count {
                    let u = UInt128(bitPattern: v[i])
                    for j in 0..<16 { d[i * 16 + j] = UInt8(truncatingIfNeeded: u &>> UInt128(8 * (15 - j))) }
                }
            }
            return Column(type: type, values: .fixed(width: 16, data: data), validity: validity)
        case (_, .bool(let v)): return Column(type: type, values: .boolean(v), validity: validity)
        case (_, .int(let v)): return Column(type: type, values: .int64(v), validity: validity)
        case (_, .double(let v)): return Column(type: type, values: .float64(v), validity: validity)
        case (_, .bytes(let v)): return Column(type: type, values: .bytes(v), validity: validity)
        case (_, .wide(let v)):
            return Vector(type: .decimal(precision: 38, scale: 0), values: .wide(v), validity: validity).column()
        }
    }
}
