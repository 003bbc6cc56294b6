import Columnar

/// One bound of a column chunk's statistics, decoded by the column's type and sort order.
public enum StatisticValue: Sendable, Hashable {
    case boolean(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    /// Byte strings compare as unsigned bytes (strings, binary, fixed).
    case bytes([UInt8])
}

/// Min/max/null-count of a column chunk, usable for pruning: only bounds whose sort order is
/// known to be right are reported.
public struct ColumnStatistics: Sendable, Hashable {
    public var min: StatisticValue?
    public var max: StatisticValue?
    public var nullCount: Int64?
    public var distinctCount: Int64?

    /// `nil` bounds when the writer used the deprecated signed-order fields for a type whose
    /// order is unsigned (strings, unsigned ints), as parquet-format requires.
    public init(_ s: Statistics, descriptor: ColumnDescriptor) {
        nullCount = s.nullCount
        distinctCount = s.distinctCount
        let order = SortOrder(descriptor)
        if let minValue = s.minValue, let maxValue = s.maxValue {
            min = Self.decode(minValue, descriptor, order)
            max = Self.decode(maxValue, descriptor, order)
        } else if order == .signed, let minValue = s.min, let maxValue = s.max {
            min = Self.decode(minValue, descriptor, order)
            max = Self.decode(maxValue, descriptor, order)
        }
        // NaN bounds say nothing usable.
        if case .double(let d)? = min, d.isNaN { min = nil; max = nil }
        if case .double(let d)? = max, d.isNaN { min = nil; max = nil }
    }

    enum SortOrder { case signed, unsigned, unknown }

    private static func decode(_ bytes: [UInt8], _ d: ColumnDescriptor, _ order: SortOrder) -> StatisticValue? {
        func littleEndian<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard bytes.count == MemoryLayout<T>.size else { return nil }
            var value = T.zero
            for (i, b) in bytes.enumerated() { value |= T(truncatingIfNeeded: b) << (8 * i) }
            return value
        }
        switch d.physicalType {
        case .boolean: return bytes.count == 1 ? .boolean(bytes[0] != 0) : nil
        case .int32:
            guard let v = littleEndian(Int32.self) else { return nil }
            return order == .unsigned ? .uint(UInt64(UInt32(bitPattern: v))) : .int(Int64(v))
        case .int64:
            guard let v = littleEndian(Int64.self) else { return nil }
            return order == .unsigned ? .uint(UInt64(bitPattern: v)) : .int(v)
        case .float: return littleEndian(UInt32.self).map { .double(Double(Float(bitPattern: $0))) }
        case .double: return littleEndian(UInt64.self).map { .double(Double(bitPattern: $0)) }
        case .byteArray, .fixedLenByteArray:
            // Decimals on binary are signed two's complement; their bytewise order is not numeric.
            if case .decimal = d.logicalType { return nil }
            return .bytes(bytes)
        case .int96: return nil
        }
    }
}

extension ColumnStatistics.SortOrder {
    init(_ d: ColumnDescriptor) {
        switch d.logicalType {
        case .uint8, .uint16, .uint32, .uint64: self = .unsigned
        case .string, .json, .enumeration, .binary, .fixedBinary, .uuid: self = .unsigned
        case .float16: self = .unknown
        default:
            self = d.physicalType == .int96 ? .unknown : .signed
        }
    }
}

extension ParquetFileReader {
    /// Statistics of a column chunk for pruning, nil when the file has none (or they are not
    /// trustworthy for the column's order). Decrypts the column metadata when needed.
    public func statistics(rowGroup: Int, column: Int) throws -> ColumnStatistics? {
        let meta = try columnMetaData(rowGroup: rowGroup, column: column)
        return meta.statistics.map { ColumnStatistics($0, descriptor: schema.columns[column]) }
    }
}
