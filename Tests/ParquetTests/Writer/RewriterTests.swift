import Foundation
import Testing
import Columnar
import StrongroomCrypto
@testable import Parquet

@Suite struct RewriterTests {
    static let vectors = [
        ("alltypes_plain.parquet", "id"),
        ("alltypes_dictionary.parquet", "string_col"),
        ("nested_maps.snappy.parquet", "a"),
        ("datapage_v2.snappy.parquet", "a"),
        ("datapage_v1-snappy-compressed-checksum.parquet", "a"),
        ("nested_lists.snappy.parquet", "a"),
        ("nulls.snappy.parquet", "b_struct"),
    ]

    /// Encrypts a parquet-testing file (one column with its own key, the rest plaintext, or all
    /// with the footer key), then decrypts it again: decoded values, statistics, codec,
    /// encodings and CRC presence are those of the original.
    @Test(arguments: vectors, [false, true])
    func encryptThenDecrypt(vector: (String, String), uniform: Bool) throws {
        let source = Vectors.parquet.appendingPathComponent("plain/\(vector.0)").path
        let encrypted = WriterFixtures.temporaryPath("rw-enc"), decrypted = WriterFixtures.temporaryPath("rw-dec")
        defer { try? FileManager.default.removeItem(atPath: encrypted); try? FileManager.default.removeItem(atPath: decrypted) }
        let original = try ParquetFileReader(path: source)
        let expected = try original.readAll()

        let config = try TestKeys.config(columns: uniform ? [] : [("kc1", [vector.1])], algorithm: uniform ? .aesGcmCtrV1 : .aesGcmV1)
        try ParquetFileRewriter(encryption: config).rewrite(from: source, to: encrypted)
        let keys = ParquetReadOptions(keys: TestKeys.explicit)
        let encryptedReader = try ParquetFileReader(path: encrypted, options: keys)
        #expect(encryptedReader.encryption?.footerEncrypted == true)
        #expect(try encryptedReader.readAll() == expected)
        #expect(throws: ParquetError.self) { _ = try ParquetFileReader(path: encrypted) }

        try ParquetFileRewriter(readOptions: keys, encryption: nil).rewrite(from: encrypted, to: decrypted)
        let back = try ParquetFileReader(path: decrypted)
        #expect(back.encryption == nil)
        #expect(try back.readAll() == expected)
        #expect(back.metadata.createdBy == original.metadata.createdBy)
        #expect(back.metadata.keyValueMetadata == original.metadata.keyValueMetadata)
        #expect(back.metadata.rowGroups.map(\.numRows) == original.metadata.rowGroups.map(\.numRows))
        for group in 0..<original.rowGroupCount {
            for leaf in original.schema.columns.indices {
                let a = try original.columnMetaData(rowGroup: group, column: leaf)
                let b = try back.columnMetaData(rowGroup: group, column: leaf)
                #expect(a.statistics == b.statistics && a.codec == b.codec && a.encodings == b.encodings && a.numValues == b.numValues)
                #expect(b.bloomFilterOffset == nil && b.indexPageOffset == nil)
            }
        }
        let originalCRCs = try pageCRCPresence(source), backCRCs = try pageCRCPresence(decrypted)
        #expect(originalCRCs == backCRCs)
        if vector.0.contains("checksum") { #expect(backCRCs.allSatisfy { $0 }) }
    }

    /// The parquet-testing encrypted files (parquet-cpp) decrypt to what the reader reads from them.
    @Test(arguments: ["uniform_encryption.parquet.encrypted", "encrypt_columns_and_footer.parquet.encrypted",
                      "encrypt_columns_and_footer_ctr.parquet.encrypted", "encrypt_columns_plaintext_footer.parquet.encrypted"])
    func decryptsForeignEncryptedFile(name: String) throws {
        let source = Vectors.parquet.appendingPathComponent("encrypted/\(name)").path
        let out = WriterFixtures.temporaryPath("rw-foreign")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let keys = ParquetReadOptions(keys: TestKeys.explicit)
        let expected = try ParquetFileReader(path: source, options: keys).readAll()
        try ParquetFileRewriter(readOptions: keys, encryption: nil).rewrite(from: source, to: out)
        #expect(try ParquetFileReader(path: out).readAll() == expected)
    }

    @Test func failureLeavesNothingBehind() throws {
        let source = Vectors.parquet.appendingPathComponent("encrypted/uniform_encryption.parquet.encrypted").path
        let out = WriterFixtures.temporaryPath("rw-fail")
        let error = try #require(throws: ParquetError.self) {
            try ParquetFileRewriter(encryption: nil).rewrite(from: source, to: out)
        }
        #expect(error.code == .missingKey)
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(WriterFixtures.leftovers(of: out).isEmpty)

        // A corrupt page (CRC mismatch) stops the copy before any output appears.
        let corrupt = Vectors.parquet.appendingPathComponent("plain/datapage_v1-corrupt-checksum.parquet").path
        let crc = try #require(throws: ParquetError.self) {
            try ParquetFileRewriter(encryption: try TestKeys.config(columns: [])).rewrite(from: corrupt, to: out)
        }
        #expect(crc.code == .checksum)
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(WriterFixtures.leftovers(of: out).isEmpty)
    }

    /// For each page of each chunk (plaintext files): whether its header has a CRC.
    private func pageCRCPresence(_ path: String) throws -> [Bool] {
        let reader = try ParquetFileReader(path: path)
        var result: [Bool] = []
        for group in 0..<reader.rowGroupCount {
            for leaf in reader.schema.columns.indices {
                let meta = try reader.columnMetaData(rowGroup: group, column: leaf)
                let start = meta.dictionaryPageOffset.flatMap { $0 > 0 && $0 < meta.dataPageOffset ? $0 : nil } ?? meta.dataPageOffset
                let bytes = try reader.source.read(offset: Int(start), count: Int(meta.totalCompressedSize), what: "chunk")
                var walker = SourcePageWalker(chunk: bytes, crypto: nil, hasDictionaryPage: false, verifyChecksums: true, context: "test")
                while let page = try walker.next() { result.append(page.header.crc != nil) }
            }
        }
        return result
    }
}
