import Parquet
import Testing

@Suite("column statistics")
struct StatisticsTests {
    /// alltypes_plain.parquet (Impala) has no statistics; datapage_v2 and the checksum files
    /// carry min/max written by parquet-mr/cpp.
    @Test func boundsMatchTheData() throws {
        let path = Vectors.parquet.appendingPathComponent("plain/datapage_v2.snappy.parquet").path
        let reader = try ParquetFileReader(path: path)
        let batch = try reader.readRowGroup(0)
        var checked = 0
        for (index, descriptor) in reader.schema.columns.enumerated() where descriptor.maxRepetitionLevel == 0 {
            guard let stats = try reader.statistics(rowGroup: 0, column: index), let min = stats.min, let max = stats.max else { continue }
            guard let field = batch.schema.index(of: descriptor.path[0]) else { continue }
            let column = batch.columns[field]
            checked += 1
            if case .int32(let values) = column.values {
                let present = values.indices.filter { !column.isNull($0) }.map { Int64(values[$0]) }
                #expect(min == .int(present.min()!), "\(descriptor.dottedPath)")
                #expect(max == .int(present.max()!), "\(descriptor.dottedPath)")
            }
            if case .bytes(let values) = column.values {
                let present = (0..<column.count).filter { !column.isNull($0) }.map { Array(values[$0]) }
                #expect(min == .bytes(present.min { $0.lexicographicallyPrecedes($1) }!), "\(descriptor.dottedPath)")
                #expect(max == .bytes(present.max { $0.lexicographicallyPrecedes($1) }!), "\(descriptor.dottedPath)")
            }
            if let nulls = stats.nullCount { #expect(Int(nulls) == column.nullCount, "\(descriptor.dottedPath)") }
        }
        #expect(checked >= 2, "the file carries statistics for several columns")
    }
}
