import Columnar

/// The k-way merge of sorted runs in spill files: one block of each run in memory, a heap of
/// the runs ordered by their current row, output in batches of `Sort.blockRows`. Stable: among
/// equal rows the earlier run (earlier input) comes first.
struct RunMerge {
    private struct Cursor {
        let run: SpillFile
        var block = 0
        var batch: RecordBatch
        var keys: SortColumns
        var row = 0
        /// First row of the current block not yet in an emitted output batch.
        var pendingStart = 0
    }

    private let keys: [SortKey]
    private let schema: Schema
    private var cursors: [Cursor] = []
    private var heap: [Int] = []

    init(runs: [SpillFile], keys: [SortKey], schema: Schema) throws(QueryError) {
        self.keys = keys
        self.schema = schema
        for run in runs where run.blockCount > 0 {
            let batch = try run.read(0, schema: schema)
            cursors.append(Cursor(run: run, batch: batch, keys: try SortColumns(keys, on: batch)))
        }
        for i in cursors.indices { push(i) }
    }

    mutating func all() throws(QueryError) -> [RecordBatch] {
        var out: [RecordBatch] = []
        var picks: [(cursor: Int, row: Int)] = []
        while let top = heap.first {
            picks.append((top, cursors[top].row))
            cursors[top].row += 1
            if cursors[top].row == cursors[top].batch.rowCount {
                // The block is used up: emit what refers to it before replacing it.
                out.append(try gather(picks)); picks = []
                popTop()
                let next = cursors[top].block + 1
                if next < cursors[top].run.blockCount {
                    let batch = try cursors[top].run.read(next, schema: schema)
                    cursors[top] = Cursor(run: cursors[top].run, block: next, batch: batch, keys: try SortColumns(keys, on: batch))
                    push(top)
                }
            } else {
                siftDown(0)
                if picks.count == Sort.blockRows { out.append(try gather(picks)); picks = [] }
            }
        }
        if !picks.isEmpty { out.append(try gather(picks)) }
        return out.filter { $0.rowCount > 0 }
    }

    /// The picked rows, in pick order. Each cursor's picks are consecutive rows of its block
    /// from its `pendingStart`, so they are slices; one take interleaves them.
    private mutating func gather(_ picks: [(cursor: Int, row: Int)]) throws(QueryError) -> RecordBatch {
        var parts: [RecordBatch] = []
        var base: [Int: Int] = [:]
        var offset = 0
        for c in cursors.indices {
            let start = cursors[c].pendingStart, end = cursors[c].row
            guard end > start else { continue }
            base[c] = offset - start
            parts.append(cursors[c].batch.slice(start..<end))
            offset += end - start
            cursors[c].pendingStart = end
        }
        let all = try Concatenate.batches(parts, schema: schema)
        return all.take(Selection(picks.map { Int32(base[$0.cursor]! + $0.row) }))
    }

    // MARK: - Heap of cursor indices

    private func before(_ i: Int, _ j: Int) -> Bool {
        let a = cursors[i], b = cursors[j]
        if SortColumns.less(a.keys, a.row, b.keys, b.row) { return true }
        if SortColumns.less(b.keys, b.row, a.keys, a.row) { return false }
        return i < j
    }

    private mutating func push(_ cursor: Int) {
        heap.append(cursor)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard before(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popTop() {
        heap.swapAt(0, heap.count - 1)
        heap.removeLast()
        if !heap.isEmpty { siftDown(0) }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var best = parent
            if left < heap.count, before(heap[left], heap[best]) { best = left }
            if right < heap.count, before(heap[right], heap[best]) { best = right }
            if best == parent { return }
            heap.swapAt(parent, best)
            parent = best
        }
    }
}
