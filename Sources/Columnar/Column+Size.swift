extension Column {
    /// Bytes held by the column's buffers (for throughput figures).
    public var approximateByteSize: Int {
        var size = validity?.count ?? 0
        switch values {
        case .boolean(let v): size += v.count
        case .int32(let v): size += v.count * 4
        case .int64(let v): size += v.count * 8
        case .float32(let v): size += v.count * 4
        case .float64(let v): size += v.count * 8
        case .bytes(let v): size += v.offsets.count * 4 + v.data.count
        case .fixed(_, let data): size += data.count
        case .list(let offsets, let child): size += offsets.count * 4 + child.approximateByteSize
        case .map(let offsets, let k, let v): size += offsets.count * 4 + k.approximateByteSize + v.approximateByteSize
        case .structure(let children): size += children.reduce(0) { $0 + $1.approximateByteSize }
        }
        return size
    }
}
