/// Variable-length values packed end to end: value i is `data[offsets[i]..<offsets[i+1]]`.
public struct ByteArrays: Sendable, Hashable {
    public var offsets: [Int32]
    public var data: [UInt8]

    public init() { offsets = [0]; data = [] }
    public init(offsets: [Int32], data: [UInt8]) {
        precondition(!offsets.isEmpty, "ByteArrays needs at least one offset")
        self.offsets = offsets
        self.data = data
    }

    public var count: Int { offsets.count - 1 }

    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        data.append(contentsOf: bytes)
        offsets.append(Int32(data.count))
    }

    public mutating func appendEmpty() { offsets.append(offsets[offsets.count - 1]) }

    public subscript(i: Int) -> ArraySlice<UInt8> {
        data[Int(offsets[i])..<Int(offsets[i + 1])]
    }

    public mutating func reserve(values: Int, bytes: Int) {
        offsets.reserveCapacity(offsets.count + values)
        data.reserveCapacity(data.count + bytes)
    }
}

/// Physical storage of a column. Slots that are null hold a zero / empty placeholder, so
/// every array has exactly one element per row (per list element for list children).
public indirect enum ColumnValues: Sendable, Hashable {
    case boolean([Bool])
    case int32([Int32])
    case int64([Int64])
    case float32([Float])
    case float64([Double])
    case bytes(ByteArrays)
    /// Fixed-width values (FIXED_LEN_BYTE_ARRAY, float16): value i is `data[i*width..<(i+1)*width]`.
    case fixed(width: Int, data: [UInt8])
    /// `offsets.count == rows + 1`; child holds all elements.
    case list(offsets: [Int32], child: Column)
    /// `offsets.count == rows + 1`; keys and values hold all entries.
    case map(offsets: [Int32], keys: Column, values: Column)
    case structure([Column])
}

public struct Column: Sendable, Hashable {
    public var type: DataType
    public var values: ColumnValues
    /// `nil` when no value is null; otherwise one flag per row, `true` = present.
    public var validity: [Bool]?
    public var count: Int

    public init(type: DataType, values: ColumnValues, validity: [Bool]? = nil) {
        self.type = type
        self.values = values
        self.validity = validity
        self.count = Column.rowCount(of: values)
        if let validity { precondition(validity.count == count, "validity length must equal row count") }
    }

    public func isNull(_ row: Int) -> Bool {
        guard let validity else { return false }
        return !validity[row]
    }

    public var nullCount: Int {
        guard let validity else { return 0 }
        var n = 0
        for v in validity where !v { n += 1 }
        return n
    }

    public static func rowCount(of values: ColumnValues) -> Int {
        switch values {
        case .boolean(let v): return v.count
        case .int32(let v): return v.count
        case .int64(let v): return v.count
        case .float32(let v): return v.count
        case .float64(let v): return v.count
        case .bytes(let v): return v.count
        case .fixed(let width, let data): return width == 0 ? 0 : data.count / width
        case .list(let offsets, _): return offsets.count - 1
        case .map(let offsets, _, _): return offsets.count - 1
        case .structure(let children): return children.first?.count ?? 0
        }
    }
}

/// Columns of equal length under one schema.
public struct RecordBatch: Sendable, Hashable {
    public var schema: Schema
    public var columns: [Column]
    public var rowCount: Int

    public init(schema: Schema, columns: [Column], rowCount: Int? = nil) {
        precondition(schema.fields.count == columns.count, "one column per field")
        self.schema = schema
        self.columns = columns
        self.rowCount = rowCount ?? columns.first?.count ?? 0
    }
}
