import Testing
@testable import Parquet

@Suite("Thrift crypto metadata of the parquet-testing encrypted files")
struct ThriftEncryptedFooterTests {
    @Test(arguments: ["encrypt_columns_and_footer.parquet.encrypted", "encrypt_columns_and_footer_aad.parquet.encrypted",
                      "encrypt_columns_and_footer_ctr.parquet.encrypted",
                      "encrypt_columns_and_footer_disable_aad_storage.parquet.encrypted",
                      "uniform_encryption.parquet.encrypted"])
    func fileCryptoMetaData(name: String) throws {
        let file = try ThriftTestVectors.bytes("encrypted/\(name)")
        let (footer, magic) = try ThriftTestVectors.footer(of: file)
        #expect(magic == "PARE")
        let (crypto, length) = try FileCryptoMetaData.decode(from: footer)
        #expect(length < footer.count)  // the encrypted FileMetaData follows
        #expect(crypto.keyMetadata.map { String(decoding: $0, as: UTF8.self) } == "kf")
        #expect(crypto.encryptionAlgorithm.aadFileUnique?.isEmpty == false)
        if name.contains("_ctr") {
            #expect(crypto.encryptionAlgorithm.name == "AES_GCM_CTR_V1")
        } else {
            #expect(crypto.encryptionAlgorithm.name == "AES_GCM_V1")
        }
        if name.contains("_aad.") { #expect(crypto.encryptionAlgorithm.aadPrefix == Array("tester".utf8)) }
        if name.contains("disable_aad_storage") {
            #expect(crypto.encryptionAlgorithm.aadPrefix == nil)
            #expect(crypto.encryptionAlgorithm.supplyAadPrefix)
        }
        #expect(try FileCryptoMetaData.decode(from: crypto.serialized()).value == crypto)
    }

    @Test func plaintextFooter() throws {
        let file = try ThriftTestVectors.bytes("encrypted/encrypt_columns_plaintext_footer.parquet.encrypted")
        let (footer, magic) = try ThriftTestVectors.footer(of: file)
        #expect(magic == "PAR1")
        let (meta, length) = try FileMetaData.decode(from: footer)
        #expect(length == footer.count - 28)  // nonce (12) + tag (16) signature follows
        #expect(meta.numRows == 50)
        // parquet_schema per pyarrow: "required int32 int32_field (Time(isAdjustedToUTC=true, timeUnit=milliseconds))".
        #expect(meta.schema.first { $0.name == "int32_field" }?.logicalType == .time(isAdjustedToUTC: true, unit: .millis))
        #expect(meta.schema.first { $0.name == "flba_field" }?.typeLength == 10)
        #expect(meta.encryptionAlgorithm?.name == "AES_GCM_V1")
        #expect(meta.footerSigningKeyMetadata.map { String(decoding: $0, as: UTF8.self) } == "kf")
        let crypto = meta.rowGroups[0].columns.compactMap(\.cryptoMetadata)
        #expect(crypto.contains(.columnKey(pathInSchema: ["double_field"], keyMetadata: Array("kc1".utf8))))
        #expect(crypto.contains(.columnKey(pathInSchema: ["float_field"], keyMetadata: Array("kc2".utf8))))
        #expect(meta.rowGroups[0].columns.contains { $0.encryptedColumnMetadata != nil })
        #expect(try FileMetaData.decode(from: meta.serialized()).value == meta)
    }
}
