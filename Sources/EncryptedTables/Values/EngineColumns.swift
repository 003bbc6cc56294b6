import AlwaysEncrypted
import Columnar

/// Builds one engine column from SQL Server values (decrypted cells or read plaintext).
struct EngineColumnBuilder {
    let type: DataType
    let sqlType: SQLServerType
    private var validity: [Bool] = []
    private var hasNull = false
    private var bools: [Bool] = []
    private var int32s: [Int32] = []
    private var int64s: [Int64] = []
    private var float32s: [Float] = []
    private var float64s: [Double] = []
    private var bytes = ByteArrays()
    private var wide: [UInt8] = []

    init(sqlType: SQLServerType) {
        self.sqlType = sqlType
        self.type = ColumnTypes.dataType(sqlType)
    }

    mutating func append(_ value: SQLServerValue?) throws(AlwaysEncryptedError) {
        validity.append(value != nil)
        if value == nil { hasNull = true }
        switch (type, value) {
        case (.boolean, .bit(let b)?): bools.append(b)
        case (.boolean, nil): bools.append(false)
        case (.int16, .tinyint(let v)?): int32s.append(Int32(v))
        case (.int16, .smallint(let v)?): int32s.append(Int32(v))
        case (.int32, .int(let v)?): int32s.append(v)
        case (.int16, nil), (.int32, nil), (.date, nil): int32s.append(0)
        case (.int64, .bigint(let v)?): int64s.append(v)
        case (.int64, nil), (.timestamp, nil): int64s.append(0)
        case (.float32, .real(let v)?): float32s.append(v)
        case (.float32, nil): float32s.append(0)
        case (.float64, .float(let v)?): float64s.append(v)
        case (.float64, nil): float64s.append(0)
        case (.decimal(let p, let s), let v):
            var unscaled: Int128 = 0
            if case .decimal(let d)? = v { unscaled = try d.rescaled(to: s).unscaled } else if v != nil { throw mismatch() }
            if p <= 18 { int64s.append(Int64(unscaled)) } else { Self.appendBigEndian(unscaled, to: &wide) }
        case (.date, .date(let d)?): int32s.append(d.unixDays)
        case (.timestamp, .datetime2(let t)?): int64s.append(t.unixMicroseconds)
        case (.string, .string(let s)?): bytes.append(s.utf8)
        case (.binary, .binary(let b)?): bytes.append(b)
        case (.string, nil), (.binary, nil): bytes.appendEmpty()
        default: throw mismatch()
        }
    }

    private func mismatch() -> AlwaysEncryptedError {
        AlwaysEncryptedError(.typeMismatch, "value does not fit column type \(sqlType.declaration)")
    }

    func finish() -> Column {
        let values: ColumnValues
        switch type {
        case .boolean: values = .boolean(bools)
        case .int16, .int32, .date: values = .int32(int32s)
        case .int64, .timestamp: values = .int64(int64s)
        case .float32: values = .float32(float32s)
        case .float64: values = .float64(float64s)
        case .decimal(let p, _): values = p <= 18 ? .int64(int64s) : .fixed(width: 16, data: wide)
        default: values = .bytes(bytes)
        }
        return Column(type: type, values: values, validity: hasNull ? validity : nil)
    }

    static func appendBigEndian(_ value: Int128, to out: inout [UInt8]) {
        let bits = UInt128(bitPattern: value)
        for shift in stride(from: 120, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: bits >> UInt128(shift))) }
    }
}

/// Reads cells of engine columns (query results) as SQL Server values for writing.
struct EngineColumnReader {
    let column: Column
    let name: String

    func value(_ row: Int) throws -> SQLServerValue? {
        if column.isNull(row) { return nil }
        do {
            switch (column.type, column.values) {
            case (.boolean, .boolean(let v)): return .bit(v[row])
            case (.int8, .int32(let v)), (.int16, .int32(let v)), (.uint8, .int32(let v)): return .smallint(Int16(truncatingIfNeeded: v[row]))
            case (.int32, .int32(let v)), (.uint16, .int32(let v)): return .int(v[row])
            case (.uint32, .int32(let v)): return .bigint(Int64(UInt32(bitPattern: v[row])))
            case (.int64, .int64(let v)), (.uint32, .int64(let v)): return .bigint(v[row])
            case (.float32, .float32(let v)): return .real(v[row])
            case (.float64, .float64(let v)): return .float(v[row])
            case (.decimal(_, let s), .int32(let v)): return .decimal(try SQLDecimal(unscaled: Int128(v[row]), scale: s))
            case (.decimal(_, let s), .int64(let v)): return .decimal(try SQLDecimal(unscaled: Int128(v[row]), scale: s))
            case (.decimal(_, let s), .fixed(let width, let data)) where width <= 16:
                var bits: Int128 = data[row * width] >= 0x80 ? -1 : 0
                for byte in data[(row * width)..<((row + 1) * width)] { bits = (bits << 8) | Int128(byte) }
                return .decimal(try SQLDecimal(unscaled: bits, scale: s))
            case (.date, .int32(let v)): return .date(try SQLDate(unixDays: v[row]))
            case (.timestamp(let unit, _), .int64(let v)):
                let micros: Int64 = switch unit { case .millis: v[row] * 1000; case .micros: v[row]; case .nanos: v[row] / 1000 }
                return .datetime2(try SQLDateTime2(unixMicroseconds: micros))
            case (.string, .bytes(let b)), (.json, .bytes(let b)), (.enumeration, .bytes(let b)):
                return .string(String(decoding: b[row], as: UTF8.self))
            case (.binary, .bytes(let b)): return .binary(Array(b[row]))
            case (.fixedBinary, .fixed(let width, let data)), (.uuid, .fixed(let width, let data)):
                return .binary(Array(data[(row * width)..<((row + 1) * width)]))
            default:
                throw TableError(.schemaMismatch, "column \(name): type \(column.type) cannot be written to a database table")
            }
        } catch let error as AlwaysEncryptedError {
            throw TableError(.value, "column \(name) row \(row + 1): \(error.message)")
        }
    }
}
