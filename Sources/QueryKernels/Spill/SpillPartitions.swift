import Columnar

/// Rows split by a hash of their key columns into `count` spill files (grace partitioning):
/// rows with equal keys land in the same partition, so each partition can be aggregated or
/// joined on its own. `level` picks other bits of the hash, to split a partition again.
struct SpillPartitions {
    static let fanOut = 16
    static let maxLevel = 3

    let level: Int
    private(set) var files: [SpillFile] = []
    private var pending: [[RecordBatch]]
    private var pendingRows: [Int]

    init(level: Int, budget: MemoryBudget?) throws(QueryError) {
        self.level = level
        for _ in 0..<Self.fanOut { files.append(try SpillFile(budget: budget)) }
        pending = Array(repeating: [], count: Self.fanOut)
        pendingRows = Array(repeating: 0, count: Self.fanOut)
    }

    /// Adds the rows of `batch`, partitioned on its columns `keyColumns`.
    mutating func add(_ batch: RecordBatch, keyColumns: Range<Int>) throws(QueryError) {
        guard batch.rowCount > 0 else { return }
        let vectors = try keyColumns.map { i throws(QueryError) in try Vector(column: batch.columns[i]) }
        try add(batch, keys: vectors)
    }

    /// Adds the rows of `batch`, partitioned on the key values `keys` (one per row each).
    mutating func add(_ batch: RecordBatch, keys: [Vector]) throws(QueryError) {
        guard batch.rowCount > 0 else { return }
        let hashes = RowKeys(keys, rows: batch.rowCount).hashes
        let shift = UInt64(60 - 4 * level)  // the top bits, a different nibble per level
        var rows = Array(repeating: [Int32](), count: Self.fanOut)
        for (i, h) in hashes.enumerated() { rows[Int((h >> shift) & UInt64(Self.fanOut - 1))].append(Int32(i)) }
        for p in rows.indices where !rows[p].isEmpty {
            pending[p].append(rows[p].count == batch.rowCount ? batch : batch.take(Selection(rows[p])))
            pendingRows[p] += rows[p].count
            if pendingRows[p] >= Sort.blockRows { try flush(p, schema: batch.schema) }
        }
    }

    private mutating func flush(_ p: Int, schema: Schema) throws(QueryError) {
        guard !pending[p].isEmpty else { return }
        try files[p].append(try Concatenate.batches(pending[p], schema: schema))
        pending[p] = []
        pendingRows[p] = 0
    }

    /// Writes what is still buffered; the files then hold every row added.
    mutating func finish(schema: Schema) throws(QueryError) -> [SpillFile] {
        for p in files.indices { try flush(p, schema: schema) }
        return files
    }
}
