import Foundation
import Testing
@testable import Parquet

@Suite("Thrift footers of the parquet-testing files")
struct ThriftFooterTests {
    @Test(arguments: ThriftTestVectors.plainFileNames())
    func footerMatchesPyarrow(name: String) throws {
        let file = try ThriftTestVectors.bytes("plain/\(name)")
        let (footer, magic) = try ThriftTestVectors.footer(of: file)
        #expect(magic == "PAR1")
        let (meta, length) = try FileMetaData.decode(from: footer)
        #expect(length == footer.count)

        let expected = try ThriftTestVectors.expected(name)
        #expect(meta.numRows == (expected["num_rows"] as? NSNumber)?.int64Value)
        #expect(meta.rowGroups.count == (expected["num_row_groups"] as? NSNumber)?.intValue)
        #expect((meta.createdBy ?? "") == expected["created_by"] as? String)  // pyarrow shows absent as ""
        #expect(meta.schema.first?.numChildren != nil)

        guard let rowGroup = expected["row_group_0"] as? [String: Any],
              let columns = rowGroup["columns"] as? [[String: Any]] else { return }
        let group = try #require(meta.rowGroups.first)
        #expect(group.numRows == (rowGroup["num_rows"] as? NSNumber)?.int64Value)
        try #require(group.columns.count == columns.count)
        for (chunk, column) in zip(group.columns, columns) {
            let cmd = try #require(chunk.metaData)
            #expect(cmd.pathInSchema.joined(separator: ".") == column["path"] as? String)
            #expect(cmd.type.name == column["physical_type"] as? String)
            #expect(pyarrowName(of: cmd.codec) == column["compression"] as? String)
            #expect(Set(cmd.encodings.map(\.name)) == Set(column["encodings"] as? [String] ?? []))
            #expect(cmd.numValues == (column["num_values"] as? NSNumber)?.int64Value)
            if let stats = column["stats"] as? [String: Any], let nulls = stats["null_count"] as? NSNumber {
                #expect(cmd.statistics?.nullCount == nulls.int64Value)
            }
        }
    }

    @Test(arguments: ThriftTestVectors.plainFileNames())
    func footerRoundTrips(name: String) throws {
        let file = try ThriftTestVectors.bytes("plain/\(name)")
        let footer = try ThriftTestVectors.footer(of: file).bytes
        let meta = try FileMetaData.decode(from: footer).value
        let bytes = meta.serialized()
        let (again, length) = try FileMetaData.decode(from: bytes)
        #expect(length == bytes.count)
        #expect(again == meta)
        #expect(again.serialized() == bytes)
    }

    /// pyarrow names LZ4_RAW "LZ4" (its codec for it) and the deprecated Hadoop LZ4 "UNKNOWN".
    private func pyarrowName(of codec: CompressionCodec) -> String {
        switch codec {
        case .lz4Raw: "LZ4"
        case .lz4: "UNKNOWN"
        default: codec.name
        }
    }

    @Test func logicalTypesOfKnownFiles() throws {
        func schema(_ name: String) throws -> [SchemaElement] {
            let footer = try ThriftTestVectors.footer(of: ThriftTestVectors.bytes("plain/\(name)")).bytes
            return try FileMetaData.decode(from: footer).value.schema
        }
        let unknown = try schema("unknown-logical-type.parquet")
        #expect(unknown[1].logicalType == .string)
        if case .unrecognized = unknown[2].logicalType {} else {
            Issue.record("expected an unrecognized logical type, got \(String(describing: unknown[2].logicalType))")
        }
        let float16 = try schema("float16_nonzeros_and_nans.parquet")
        #expect(float16.contains { $0.logicalType == .float16 })
        let decimal = try schema("int32_decimal.parquet")
        #expect(decimal.contains { $0.convertedType == .decimal && $0.scale != nil && $0.precision != nil })
    }

    /// External check of the writer: pyarrow reads a file whose footer we re-serialized.
    @Test(arguments: ["alltypes_plain.parquet", "datapage_v2.snappy.parquet", "nested_structs.rust.parquet",
                      "data_index_bloom_encoding_stats.parquet", "byte_array_decimal.parquet"])
    func pyarrowReadsRewrittenFooter(name: String) throws {
        let original = try ThriftTestVectors.bytes("plain/\(name)")
        let footer = try ThriftTestVectors.footer(of: original).bytes
        let rewritten = try FileMetaData.decode(from: footer).value.serialized()
        var file = Array(original[..<footer.startIndex])
        file += rewritten
        let n = UInt32(rewritten.count)
        file += [UInt8(n & 0xff), UInt8(n >> 8 & 0xff), UInt8(n >> 16 & 0xff), UInt8(n >> 24)]
        file += Array("PAR1".utf8)
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("thrift-rewrite-\(UUID().uuidString).parquet")
        try Data(file).write(to: tmp)
        defer { try? FileManager.default.removeItem(at: tmp) }

        let script = """
        import sys, pyarrow.parquet as pq
        a = pq.read_table(sys.argv[1]); b = pq.read_table(sys.argv[2])
        print("same" if a.equals(b) and pq.ParquetFile(sys.argv[2]).metadata.num_row_groups == pq.ParquetFile(sys.argv[1]).metadata.num_row_groups else "different")
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script,
                             ThriftTestVectors.parquet.appendingPathComponent("plain/\(name)").path, tmp.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "same")
    }

    /// bad_data holds files that crash other readers; ours must decode or throw.
    @Test func badDataFootersNeverCrash() throws {
        let dir = ThriftTestVectors.parquet.appendingPathComponent("bad_data")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".parquet") }
        #expect(!names.isEmpty)
        for name in names {
            let file = try ThriftTestVectors.bytes("bad_data/\(name)")
            guard let footer = try? ThriftTestVectors.footer(of: file).bytes else { continue }
            do { _ = try FileMetaData.decode(from: footer) } catch is ParquetError {}
        }
    }
}
