import Columnar
import QueryKernels
import Testing

/// `Column.take`, which joins and filters use to gather rows.
@Suite struct TakeTests {
    /// A left join whose build side is empty asks an empty column for NULL rows only; before the
    /// fix it read row 0 of the empty column (out of bounds: a trap in debug, garbage in release).
    @Test(arguments: [Column(type: .int64, values: .int64([])), Column(type: .string, values: .bytes(ByteArrays())),
                      Column(type: .boolean, values: .boolean([]))])
    func nullRowsFromAnEmptyColumn(column: Column) {
        let taken = column.take([-1, -1, -1])
        #expect(taken.count == 3)
        #expect((0..<3).allSatisfy { taken.isNull($0) })
    }

    @Test func rowsAndNullRowsMix() {
        let column = Column(type: .int64, values: .int64([10, 20, 30]))
        let taken = column.take([2, -1, 0])
        guard case .int64(let values) = taken.values else { Issue.record("int64 storage expected"); return }
        #expect(values[0] == 30 && values[2] == 10)
        #expect(taken.isNull(1) && !taken.isNull(0) && !taken.isNull(2))
    }
}
