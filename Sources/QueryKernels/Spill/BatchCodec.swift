import Columnar

/// Record batches as bytes for spill files: the row count, then per column its validity and its
/// values in their storage form (arrays copied as they lie in memory). Types are not written:
/// the reader knows the schema it spilled. Only this process reads what it wrote, and the bytes
/// it reads back are authenticated (SpillFile), so the format needs no versioning; decoding
/// still checks every length and fails cleanly rather than trust one.
enum BatchCodec {
    static func encode(_ batch: RecordBatch) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(batch.columns.reduce(64) { $0 + $1.approximateByteSize + 16 })
        appendInt(batch.rowCount, to: &out)
        for column in batch.columns { encode(column, into: &out) }
        return out
    }

    static func decode(_ bytes: [UInt8], schema: Schema) throws(QueryError) -> RecordBatch {
        var reader = Reader(bytes: bytes)
        let rows = try reader.int()
        let columns = try schema.fields.map { field throws(QueryError) in try reader.column(field.type) }
        guard reader.atEnd, columns.allSatisfy({ $0.count == rows }) else { throw Reader.malformed }
        return RecordBatch(schema: schema, columns: columns, rowCount: rows)
    }

    private static func encode(_ column: Column, into out: inout [UInt8]) {
        if let validity = column.validity {
            out.append(1)
            appendArray(validity.map { $0 ? UInt8(1) : 0 }, to: &out)
        } else {
            out.append(0)
        }
        switch column.values {
        case .boolean(let v): out.append(0); appendArray(v.map { $0 ? UInt8(1) : 0 }, to: &out)
        case .int32(let v): out.append(1); appendArray(v, to: &out)
        case .int64(let v): out.append(2); appendArray(v, to: &out)
        case .float32(let v): out.append(3); appendArray(v, to: &out)
        case .float64(let v): out.append(4); appendArray(v, to: &out)
        case .bytes(let b): out.append(5); appendArray(b.offsets, to: &out); appendArray(b.data, to: &out)
        case .fixed(let width, let data): out.append(6); appendInt(width, to: &out); appendArray(data, to: &out)
        case .list(let offsets, let child):
            out.append(7); appendArray(offsets, to: &out); encode(child, into: &out)
        case .map(let offsets, let keys, let values):
            out.append(8); appendArray(offsets, to: &out); encode(keys, into: &out); encode(values, into: &out)
        case .structure(let children):
            out.append(9); appendInt(children.count, to: &out)
            for child in children { encode(child, into: &out) }
        }
    }

    private static func appendInt(_ v: Int, to out: inout [UInt8]) {
        withUnsafeBytes(of: Int64(v).littleEndian) { out.append(contentsOf: $0) }
    }

    private static func appendArray<T: BitwiseCopyable>(_ values: [T], to out: inout [UInt8]) {
        appendInt(values.count, to: &out)
        values.withUnsafeBytes { out.append(contentsOf: $0) }
    }

    private struct Reader {
        let bytes: [UInt8]
        var at = 0

        static let malformed = QueryError(.invalidArgument, "a spill block does not decode (internal error)")

        var atEnd: Bool { at == bytes.count }

        mutating func byte() throws(QueryError) -> UInt8 {
            guard at < bytes.count else { throw Self.malformed }
            at += 1
            return bytes[at - 1]
        }

        mutating func int() throws(QueryError) -> Int {
            guard bytes.count - at >= 8 else { throw Self.malformed }
            var v: Int64 = 0
            withUnsafeMutableBytes(of: &v) { $0.copyBytes(from: bytes[at..<at + 8]) }
            at += 8
            let n = Int(Int64(littleEndian: v))
            guard n >= 0 else { throw Self.malformed }
            return n
        }

        mutating func array<T: BitwiseCopyable>(_: T.Type) throws(QueryError) -> [T] {
            let n = try int()
            let (size, overflow) = n.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
            guard !overflow, bytes.count - at >= size else { throw Self.malformed }
            let values = [T](unsafeUninitializedCapacity: n) { buffer, count in
                bytes.withUnsafeBytes { raw in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[at..<at + size]))
                }
                count = n
            }
            at += size
            return values
        }

        mutating func column(_ type: DataType) throws(QueryError) -> Column {
            let validity: [Bool]? = try byte() == 1 ? try array(UInt8.self).map { $0 != 0 } : nil
            let values: ColumnValues
            switch try byte() {
            case 0: values = .boolean(try array(UInt8.self).map { $0 != 0 })
            case 1: values = .int32(try array(Int32.self))
            case 2: values = .int64(try array(Int64.self))
            case 3: values = .float32(try array(Float.self))
            case 4: values = .float64(try array(Double.self))
            case 5:
                let offsets = try array(Int32.self), data = try array(UInt8.self)
                guard let last = offsets.last, Int(last) == data.count, offsets.first == 0 else { throw Self.malformed }
                values = .bytes(ByteArrays(offsets: offsets, data: data))
            case 6:
                let width = try int(), data = try array(UInt8.self)
                guard width > 0, data.count % width == 0 else { throw Self.malformed }
                values = .fixed(width: width, data: data)
            case 7:
                guard case .list(let field) = type else { throw Self.malformed }
                let offsets = try array(Int32.self)
                guard !offsets.isEmpty else { throw Self.malformed }
                values = .list(offsets: offsets, child: try column(field.type))
            case 8:
                guard case .map(let keyField, let valueField) = type else { throw Self.malformed }
                let offsets = try array(Int32.self)
                guard !offsets.isEmpty else { throw Self.malformed }
                values = .map(offsets: offsets, keys: try column(keyField.type), values: try column(valueField.type))
            case 9:
                guard case .structure(let fields) = type, try int() == fields.count else { throw Self.malformed }
                values = .structure(try fields.map { f throws(QueryError) in try column(f.type) })
            default:
                throw Self.malformed
            }
            let count = Column.rowCount(of: values)
            guard validity.map({ $0.count == count }) ?? true else { throw Self.malformed }
            return Column(type: type, values: values, validity: validity)
        }
    }
}
