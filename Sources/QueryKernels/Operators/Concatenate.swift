import Columnar

public enum Concatenate {
    /// The rows of all batches (same schema) as one batch.
    public static func batches(_ batches: [RecordBatch], schema: Schema) throws(QueryError) -> RecordBatch {
        if batches.count == 1 { return batches[0] }
        var columns: [Column] = []
        for c in schema.fields.indices {
            columns.append(try Self.columns(batches.map { $0.columns[c] }, type: schema.fields[c].type))
        }
        return RecordBatch(schema: schema, columns: columns, rowCount: batches.reduce(0) { $0 + $1.rowCount })
    }

    static func columns(_ parts: [Column], type: DataType) throws(QueryError) -> Column {
        let total = parts.reduce(0) { $0 + $1.count }
        var validity: [Bool]? = nil
        if parts.contains(where: { $0.validity != nil }) {
            var v: [Bool] = []; v.reserveCapacity(total)
            for p in parts { v.append(contentsOf: p.validity ?? [Bool](repeating: true, count: p.count)) }
            validity = v
        }
        guard let first = parts.first else {
            return Column(type: type, values: Vector(type: KernelType.normalize(type) ?? .int64, values: Vector.zeros(KernelType.normalize(type) ?? .int64, 0), validity: nil).column().values)
        }
        let values: ColumnValues
        switch first.values {
        case .boolean: values = .boolean(try parts.flatMapValues { if case .boolean(let v) = $0 { return v }; return nil })
        case .int32: values = .int32(try parts.flatMapValues { if case .int32(let v) = $0 { return v }; return nil })
        case .int64: values = .int64(try parts.flatMapValues { if case .int64(let v) = $0 { return v }; return nil })
        case .float32: values = .float32(try parts.flatMapValues { if case .float32(let v) = $0 { return v }; return nil })
        case .float64: values = .float64(try parts.flatMapValues { if case .float64(let v) = $0 { return v }; return nil })
        case .fixed(let width, _):
            values = .fixed(width: width, data: try parts.flatMapValues { if case .fixed(let w, let d) = $0, w == width { return d }; return nil })
        case .bytes:
            var out = ByteArrays()
            for p in parts {
                guard case .bytes(let b) = p.values else { throw QueryError(.invalidArgument, "concatenate: storage differs between batches") }
                let base = out.offsets[out.offsets.count - 1]
                out.data.append(contentsOf: b.data)
                for k in 1..<b.offsets.count { out.offsets.append(base + b.offsets[k] - b.offsets[0]) }
            }
            values = .bytes(out)
        default:
            throw QueryError(.unsupported, "concatenating nested columns")
        }
        return Column(type: type, values: values, validity: validity)
    }
}

extension Array where Element == Column {
    fileprivate func flatMapValues<T>(_ get: (ColumnValues) -> [T]?) throws(QueryError) -> [T] {
        var out: [T] = []
        for c in self {
            guard let v = get(c.values) else { throw QueryError(.invalidArgument, "concatenate: storage differs between batches") }
            out.append(contentsOf: v)
        }
        return out
    }
}
