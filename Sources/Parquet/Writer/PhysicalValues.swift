import Columnar

/// Converts a column's storage to the physical representation its Parquet type needs. Storage
/// that already matches is passed through without copying; other storage (e.g. a decimal held
/// as int64 for an INT32 column, or as big-endian bytes) is converted with range checks.
enum PhysicalValues {
    static func convert(_ column: Column, for target: WriterColumn) throws -> ColumnValues {
        let context = "column '\(target.name)'"
        switch (target.physical, column.values) {
        case (.boolean, .boolean),
             (.int32, .int32), (.int64, .int64),
             (.float, .float32), (.double, .float64),
             (.byteArray, .bytes):
            return column.values
        case (.fixedLenByteArray, .fixed(let width, _)) where width == target.width:
            return column.values

        case (.int32, .int64(let values)):
            var out = [Int32](repeating: 0, count: values.count)
            for (i, v) in values.enumerated() {
                if target.order == .unsigned {
                    guard let u = UInt32(exactly: v) else { throw outOfRange(context, row: i) }
                    out[i] = Int32(bitPattern: u)
                } else {
                    guard let s = Int32(exactly: v) else { throw outOfRange(context, row: i) }
                    out[i] = s
                }
            }
            return .int32(out)
        case (.int64, .int32(let values)):
            // Unsigned 64-bit columns take 32-bit storage as unsigned (its bit pattern).
            if target.order == .unsigned { return .int64(values.map { Int64(UInt32(bitPattern: $0)) }) }
            return .int64(values.map { Int64($0) })

        case (.int32, .fixed), (.int32, .bytes), (.int64, .fixed), (.int64, .bytes):
            guard case .decimal = target.field.type else { break }
            var out = [Int64](repeating: 0, count: column.count)
            for i in 0..<column.count where !column.isNull(i) {
                let bytes = bigEndianBytes(column.values, i)
                guard let v = BigEndianInteger.int64(bytes),
                      target.physical == .int64 || Int32(exactly: v) != nil else {
                    throw outOfRange(context, row: i)
                }
                out[i] = v
            }
            return target.physical == .int64 ? .int64(out) : .int32(out.map { Int32(truncatingIfNeeded: $0) })

        case (.fixedLenByteArray, _) where isDecimal(target):
            let width = target.width
            var out = [UInt8](repeating: 0, count: column.count * width)
            for i in 0..<column.count where !column.isNull(i) {
                let bytes: [UInt8]
                switch column.values {
                case .int32(let v): bytes = BigEndianInteger.bytes(Int64(v[i]))
                case .int64(let v): bytes = BigEndianInteger.bytes(v[i])
                case .fixed, .bytes: bytes = Array(bigEndianBytes(column.values, i))
                default: throw mismatch(column, target)
                }
                guard BigEndianInteger.signExtend(bytes, into: &out, at: i * width, width: width) else {
                    throw outOfRange(context, row: i)
                }
            }
            return .fixed(width: width, data: out)

        case (.fixedLenByteArray, .bytes(let values)):
            let width = target.width
            var out = [UInt8](repeating: 0, count: values.count * width)
            for i in 0..<values.count where !column.isNull(i) {
                let value = values[i]
                guard value.count == width else {
                    throw ParquetError(.invalidArgument, "\(context): value at row \(i) has \(value.count) bytes, the column is FIXED_LEN_BYTE_ARRAY(\(width))")
                }
                out.replaceSubrange(i * width..<(i + 1) * width, with: value)
            }
            return .fixed(width: width, data: out)

        case (.byteArray, .fixed(let width, let data)):
            var arrays = ByteArrays()
            arrays.reserve(values: column.count, bytes: data.count)
            for i in 0..<column.count { arrays.append(data[i * width..<(i + 1) * width]) }
            return .bytes(arrays)
        default:
            break
        }
        throw mismatch(column, target)
    }

    private static func isDecimal(_ target: WriterColumn) -> Bool {
        if case .decimal = target.field.type { return true }
        return false
    }

    private static func bigEndianBytes(_ values: ColumnValues, _ i: Int) -> ArraySlice<UInt8> {
        switch values {
        case .fixed(let width, let data): return data[i * width..<(i + 1) * width]
        case .bytes(let arrays): return arrays[i]
        default: return []
        }
    }

    private static func outOfRange(_ context: String, row: Int) -> ParquetError {
        ParquetError(.invalidArgument, "\(context): the value at row \(row) does not fit the column's physical type")
    }

    private static func mismatch(_ column: Column, _ target: WriterColumn) -> ParquetError {
        ParquetError(.invalidArgument, "column '\(target.name)' of type \(target.field.type) cannot be written from \(storageName(column.values)) storage (physical \(target.physical.name))")
    }

    static func storageName(_ values: ColumnValues) -> String {
        switch values {
        case .boolean: "boolean"
        case .int32: "int32"
        case .int64: "int64"
        case .float32: "float32"
        case .float64: "float64"
        case .bytes: "variable-length bytes"
        case .fixed(let w, _): "fixed(\(w))"
        case .list: "list"
        case .map: "map"
        case .structure: "struct"
        }
    }
}

/// Big-endian two's complement integers (Parquet DECIMAL on binary).
enum BigEndianInteger {
    static func int64<C: Collection>(_ bytes: C) -> Int64? where C.Element == UInt8 {
        if bytes.isEmpty { return 0 }
        let negative = bytes.first! & 0x80 != 0
        // Drop redundant sign bytes, then the rest must fit 8 bytes.
        var rest = bytes[...]
        while rest.count > 8, rest.first == (negative ? 0xFF : 0x00) { rest = rest.dropFirst() }
        guard rest.count <= 8 else { return nil }
        var value: UInt64 = negative ? .max : 0
        for b in rest { value = value << 8 | UInt64(b) }
        let result = Int64(bitPattern: value)
        guard (result < 0) == negative else { return nil }
        return result
    }

    static func bytes(_ v: Int64) -> [UInt8] {
        withUnsafeBytes(of: v.bigEndian) { Array($0) }
    }

    /// Writes `bytes` sign-extended (or with redundant sign bytes dropped) into `width` bytes.
    static func signExtend(_ bytes: [UInt8], into out: inout [UInt8], at offset: Int, width: Int) -> Bool {
        let negative = (bytes.first ?? 0) & 0x80 != 0
        let fill: UInt8 = negative ? 0xFF : 0x00
        var start = 0
        while bytes.count - start > width {
            guard bytes[start] == fill else { return false }
            start += 1
        }
        let significant = bytes.count - start
        if significant == width, start > 0, (bytes[start] & 0x80 != 0) != negative { return false }
        for k in 0..<(width - significant) { out[offset + k] = fill }
        for k in 0..<significant { out[offset + width - significant + k] = bytes[start + k] }
        return true
    }
}
