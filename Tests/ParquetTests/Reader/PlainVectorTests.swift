import Columnar
import Foundation
import Parquet
import Testing

/// Every plain file of apache/parquet-testing against its expectation (../shared/vectors/parquet/expected).
@Suite("parquet-testing plain files")
struct PlainVectorTests {
    static let expectationFiles: [String] = {
        let dir = Vectors.parquet.appendingPathComponent("expected")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".expected.json") }.sorted()
    }()

    /// Files whose pages carry a wrong CRC on purpose: reading must fail with a checksum error.
    static let corruptChecksum: Set<String> = [
        "datapage_v1-corrupt-checksum.parquet", "rle-dict-uncompressed-corrupt-checksum.parquet",
    ]

    @Test("vector files exist") func vectorsPresent() {
        #expect(Self.expectationFiles.count >= 50, "expected the parquet-testing expectations under \(Vectors.parquet.path)")
    }

    @Test("values and metadata match", arguments: expectationFiles)
    func matches(expectationFile: String) throws {
        let expected = try Vectors.json("expected/\(expectationFile)")
        let name = try #require(expected["file"]?.string)
        let path = Vectors.parquet.appendingPathComponent("plain/\(name)").path
        let reader = try ParquetFileReader(path: path)
        #expect(reader.numRows == Int64(expected["num_rows"]?.int ?? -1))
        #expect(reader.rowGroupCount == expected["num_row_groups"]?.int)
        let createdBy = expected["created_by"]?.string
        #expect(reader.metadata.createdBy == (createdBy == "" ? nil : createdBy))

        if Self.corruptChecksum.contains(name) {
            #expect(throws: ParquetError.self) { _ = try reader.readAll() }
            let lenient = try ParquetFileReader(path: path, options: .init(verifyPageChecksums: false))
            _ = try lenient.readAll()
            return
        }
        try checkRowGroup0(reader, expected)
        let batches = try reader.readAll()
        let rows = batches.reduce(0) { $0 + $1.rowCount }
        #expect(rows == reader.metadata.rowGroups.reduce(0) { $0 + Int($1.numRows) })
        let int96Fields = Set(reader.schema.columns.filter { $0.physicalType == .int96 }.map { $0.path[0] })
        try checkSampleRows(batches, expected, file: name, int96Fields: int96Fields)
    }

    private func checkRowGroup0(_ reader: ParquetFileReader, _ expected: JSONValue) throws {
        guard let columns = expected["row_group_0"]?["columns"]?.array else { return }
        #expect(columns.count == reader.schema.columns.count)
        for (i, column) in columns.enumerated() where i < reader.schema.columns.count {
            let meta = try reader.columnMetaData(rowGroup: 0, column: i)
            #expect(meta.type.name == column["physical_type"]?.string, "column \(i)")
            #expect(PyArrowNames.codec(meta.codec) == column["compression"]?.string, "column \(i)")
            if let encodings = column["encodings"]?.array?.compactMap(\.string) {
                #expect(Set(meta.encodings.map(\.name)) == Set(encodings), "column \(i)")
            }
        }
    }

    private func checkSampleRows(_ batches: [RecordBatch], _ expected: JSONValue, file: String,
                                 int96Fields: Set<String>) throws {
        guard let indices = expected["sample_rows_index"]?.array?.compactMap(\.int),
              let rows = expected["sample_rows"]?.array?.compactMap(\.object) else { return }
        var located: [(RecordBatch, Int)] = []
        for index in indices {
            var remaining = index
            for batch in batches {
                if remaining < batch.rowCount { located.append((batch, remaining)); break }
                remaining -= batch.rowCount
            }
        }
        try #require(located.count == indices.count, "\(file): sample row beyond the data")
        for ((batch, row), (index, expectedRow)) in zip(located, zip(indices, rows)) where file != "int96_from_spark.parquet" {
            for (name, value) in expectedRow {
                let field = try #require(batch.schema.fields.firstIndex { $0.name == name }, "\(file): no column \(name)")
                let actual = ExpectedShape.cell(batch.columns[field], row)
                if int96Fields.contains(name) {
                    #expect(ExpectedShape.int96Matches(micros: actual, pyarrowNanos: value), "\(file) row \(index) column \(name): \(actual)")
                } else {
                    #expect(actual == ExpectedShape.parse(value), "\(file) row \(index) column \(name)")
                }
            }
        }
    }
}

/// pyarrow's names where they differ from parquet.thrift's.
enum PyArrowNames {
    static func codec(_ codec: CompressionCodec) -> String {
        switch codec {
        case .lz4: "UNKNOWN"    // Hadoop-framed LZ4: pyarrow reports no name
        case .lz4Raw: "LZ4"
        default: codec.name
        }
    }
}

@Suite("INT96 beyond the nanosecond range")
struct Int96Tests {
    /// Upstream's own statement (plain/int96_from_spark.md) of the values as microseconds.
    @Test func sparkValuesAsMicroseconds() throws {
        let reader = try ParquetFileReader(path: Vectors.parquet.appendingPathComponent("plain/int96_from_spark.parquet").path)
        let column = try reader.readRowGroup(0).columns[0]
        let expected: [Int64?] = [1704141296123456, 1704070800000000, 253402225200000000, 1735599600000000, nil, 9089380393200000000]
        guard case .int64(let values) = column.values else { Issue.record("not int64 storage"); return }
        #expect(column.type == .timestamp(.micros, utc: true))
        for (i, want) in expected.enumerated() {
            #expect((column.isNull(i) ? nil : values[i]) == want, "row \(i)")
        }
    }
}
