import Foundation
import Testing
@testable import Parquet

@Suite("Thrift page headers")
struct ThriftPageHeaderTests {
    @Test(arguments: ["alltypes_plain.parquet", "alltypes_dictionary.parquet", "datapage_v2.snappy.parquet",
                      "delta_binary_packed.parquet", "nested_lists.snappy.parquet",
                      "datapage_v1-snappy-compressed-checksum.parquet", "byte_stream_split.zstd.parquet"])
    func decodesPageHeaders(name: String) throws {
        let file = try ThriftTestVectors.bytes("plain/\(name)")
        let meta = try FileMetaData.decode(from: ThriftTestVectors.footer(of: file).bytes).value
        for chunk in meta.rowGroups[0].columns {
            let column = try #require(chunk.metaData)
            let offset = Int(column.dataPageOffset)
            let (header, length) = try file.withUnsafeBytes { raw in
                try PageHeader.decode(from: UnsafeRawBufferPointer(rebasing: raw[offset...]))
            }
            // Some writers point data_page_offset at the dictionary page.
            #expect(header.type != .indexPage)
            #expect(Int64(length) + Int64(header.compressedPageSize) <= column.totalCompressedSize)
            switch header.type {
            case .dataPage:
                let v1 = try #require(header.dataPageHeader)
                #expect(Int64(v1.numValues) <= column.numValues)
                #expect(column.encodings.contains(v1.encoding))
            case .dataPageV2:
                let v2 = try #require(header.dataPageHeaderV2)
                #expect(Int64(v2.numValues) <= column.numValues)
                #expect(v2.numNulls <= v2.numValues)
                #expect(column.encodings.contains(v2.encoding))
            default:
                #expect(header.dictionaryPageHeader != nil)
            }
            #expect(try PageHeader.decode(from: header.serialized()).value == header)
        }
    }

    @Test func dictionaryPageHeader() throws {
        let file = try ThriftTestVectors.bytes("plain/alltypes_dictionary.parquet")
        let meta = try FileMetaData.decode(from: ThriftTestVectors.footer(of: file).bytes).value
        let column = try #require(meta.rowGroups[0].columns[0].metaData)
        let offset = Int(try #require(column.dictionaryPageOffset))
        let header = try PageHeader.decode(from: file[offset...]).value
        #expect(header.type == .dictionaryPage)
        let dictionary = try #require(header.dictionaryPageHeader)
        #expect(dictionary.numValues > 0)
        #expect(dictionary.encoding == .plainDictionary || dictionary.encoding == .plain)
    }

    @Test func v2DefaultsAndRoundTrip() throws {
        var header = PageHeader(type: .dataPageV2, uncompressedPageSize: 100, compressedPageSize: 80)
        header.crc = -5
        var v2 = DataPageHeaderV2(numValues: 10, numNulls: 2, numRows: 10, encoding: .rleDictionary,
                                  definitionLevelsByteLength: 3, repetitionLevelsByteLength: 0, isCompressed: false)
        var stats = Statistics()
        stats.nullCount = 2; stats.minValue = [1, 0, 0, 0]; stats.maxValue = [9, 0, 0, 0]
        stats.isMinValueExact = true; stats.isMaxValueExact = false
        v2.statistics = stats
        header.dataPageHeaderV2 = v2
        let bytes = header.serialized()
        let (decoded, length) = try PageHeader.decode(from: bytes + [0xAA, 0xBB])  // page data follows
        #expect(length == bytes.count)
        #expect(decoded == header)

        // is_compressed absent means true.
        var w = ThriftCompactWriter()
        let s = w.beginStruct()
        for id: Int16 in [1, 2, 3] { w.writeI32Field(id, 1) }
        w.writeI32Field(4, 0); w.writeI32Field(5, 0); w.writeI32Field(6, 0)
        w.endStruct(s)
        #expect(try DataPageHeaderV2.decode(from: w.bytes).value.isCompressed == true)
    }

    @Test func negativeSizeIsRejected() {
        let header = PageHeader(type: .dataPage, uncompressedPageSize: 10, compressedPageSize: -1)
        #expect(throws: ParquetError(.malformed, "")) { try PageHeader.decode(from: header.serialized()) }
    }
}
