import Columnar
import Foundation
import Parquet
import Query
import Testing

@Suite("tables over Parquet files")
struct ParquetTableTests {
    static func writeFiles(_ count: Int, rows: Int, rowGroupRows: Int, in dir: URL, schema: Schema? = nil) throws -> [String] {
        let schema = schema ?? Schema([Field("id", .int64), Field("name", .string)])
        return try (0..<count).map { f in
            let path = dir.appendingPathComponent("part-\(f).parquet").path
            var options = ParquetWriteOptions()
            options.rowGroupRows = rowGroupRows
            let writer = try ParquetFileWriter(path: path, schema: schema, options: options)
            let ids = (0..<rows).map { Int64(f * rows + $0) }
            var names = ByteArrays()
            for id in ids { names.append(Array("n\(id)".utf8)) }
            let columns = schema.fields.count == 2
                ? [Column(type: .int64, values: .int64(ids)), Column(type: .string, values: .bytes(names))]
                : [Column(type: .int64, values: .int64(ids))]
            try writer.write(RecordBatch(schema: schema, columns: columns))
            try writer.close()
            return path
        }
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sr-table-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func directoryGlobAndFile() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let paths = try Self.writeFiles(3, rows: 10, rowGroupRows: 4, in: dir)
        #expect(try DatasetPath.expand(dir.path) == paths)
        #expect(try DatasetPath.expand(dir.path + "/part-[01].parquet") == Array(paths.prefix(2)))
        #expect(try DatasetPath.expand(paths[2]) == [paths[2]])
        #expect(throws: SourceError.self) { _ = try DatasetPath.expand(dir.path + "/nothing-*.parquet") }
        #expect(throws: SourceError.self) { _ = try DatasetPath.expand(dir.path + "/missing.parquet") }
    }

    @Test func morselsAreRowGroupsAndScanProjects() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let paths = try Self.writeFiles(2, rows: 10, rowGroupRows: 4, in: dir)
        let table = try ParquetTable(name: "t", paths: paths) { _ in ParquetReadOptions() }
        #expect(table.morsels.map(\.rowCount) == [4, 4, 2, 4, 4, 2])
        #expect(table.rowCount == 20)
        let batch = try table.scan(table.morsels[4], columns: [1])
        #expect(batch.schema.fields.map(\.name) == ["name"])
        guard case .bytes(let names) = batch.columns[0].values else { Issue.record("storage"); return }
        #expect((0..<names.count).map { String(decoding: names[$0], as: UTF8.self) } == ["n14", "n15", "n16", "n17"])
        let stats = try #require(try table.statistics(table.morsels[4], column: 0))
        #expect(stats.min == .int(14) && stats.max == .int(17))
    }

    @Test func filesMustShareTheSchema() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try Self.writeFiles(1, rows: 3, rowGroupRows: 4, in: dir)
        let other = dir.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let b = try Self.writeFiles(1, rows: 3, rowGroupRows: 4, in: other, schema: Schema([Field("id", .int64)]))
        let error = #expect(throws: SourceError.self) {
            _ = try ParquetTable(name: "t", paths: a + b) { _ in ParquetReadOptions() }
        }
        #expect(error?.code == .schemaMismatch)
    }
}
