import Testing
import Parquet
import StrongroomCrypto

/// Decrypts modules of the parquet-testing files written by parquet-cpp (AES-128) and
/// parquet-mr (AES-256): external truth for framing, AADs and both algorithms.
@Suite struct RealFileDecryptionTests {
    @Test(arguments: [
        ("uniform_encryption.parquet.encrypted", "0123456789012345", ""),
        ("encrypt_columns_and_footer.parquet.encrypted", "0123456789012345", ""),
        ("encrypt_columns_and_footer_aad.parquet.encrypted", "0123456789012345", "tester"),
        ("encrypt_columns_and_footer_disable_aad_storage.parquet.encrypted", "0123456789012345", "tester"),
        ("encrypt_columns_and_footer_ctr.parquet.encrypted", "0123456789012345", ""),
        ("aes256/uniform_encryption.parquet.encrypted", "01234567890123456789012345678901", ""),
    ])
    func encryptedFooterDecrypts(name: String, footerKey: String, suppliedPrefix: String) throws {
        let file = try EncryptedFileProbe.load(name)
        let footer = try EncryptedFileProbe.decryptFooter(file, key: EncryptedFileProbe.key(footerKey), aadPrefix: Array(suppliedPrefix.utf8))
        let found = try #require(footer)
        // A thrift FileMetaData starts with field 1 (version, i32): compact header 0x15.
        #expect(found.plaintext.first == 0x15)
        if name.contains("disable_aad_storage") {
            #expect(try EncryptedFileProbe.decryptFooter(file, key: EncryptedFileProbe.key(footerKey)) == nil)
        }
    }

    @Test func footerWithWrongKeyDoesNotDecrypt() throws {
        let file = try EncryptedFileProbe.load("uniform_encryption.parquet.encrypted")
        #expect(try EncryptedFileProbe.decryptFooter(file, key: EncryptedFileProbe.key("1234567890123450")) == nil)
    }

    /// Uniform file: column 0 starts at byte 4 with an encrypted page header followed by the page.
    @Test func uniformFilePageHeaderAndPageDecrypt() throws {
        let file = try EncryptedFileProbe.load("uniform_encryption.parquet.encrypted")
        let kf = try EncryptedFileProbe.key("0123456789012345")
        let footer = try #require(try EncryptedFileProbe.decryptFooter(file, key: kf))
        let dec = ModuleDecryptor(usesCTRForPageData: false, key: kf, fileAAD: footer.fileAAD)
        let header: (plaintext: [UInt8], consumed: Int)
        if let h = try? dec.decrypt(file, at: 4, module: .dictionaryPageHeader, rowGroup: 0, column: 0) {
            header = h
            _ = try dec.decrypt(file, at: 4 + h.consumed, module: .dictionaryPage, rowGroup: 0, column: 0)
        } else {
            header = try dec.decrypt(file, at: 4, module: .dataPageHeader, rowGroup: 0, column: 0, page: 0)
            let page = try dec.decrypt(file, at: 4 + header.consumed, module: .dataPage, rowGroup: 0, column: 0, page: 0)
            #expect(page.consumed > 32)
        }
        #expect(header.plaintext.first == 0x15)  // PageHeader field 1 (type, i32)
    }

    /// The CTR file and the GCM file hold the same data written by the same library, so the CTR
    /// page of double_field (key kc1) must decrypt to the authenticated GCM page.
    @Test func ctrPageMatchesGcmPage() throws {
        let kc1 = try EncryptedFileProbe.key("1234567890123450")
        let kf = try EncryptedFileProbe.key("0123456789012345")
        func firstPage(_ name: String, ctr: Bool, header type: ModuleType, page: ModuleType) throws -> [UInt8] {
            let file = try EncryptedFileProbe.load(name)
            let footer = try #require(try EncryptedFileProbe.decryptFooter(file, key: kf))
            let headers = EncryptedFileProbe.findGCMModules(file, key: kc1, fileAAD: footer.fileAAD, type: type)
            let header = try #require(headers.first)
            let dec = ModuleDecryptor(usesCTRForPageData: ctr, key: kc1, fileAAD: footer.fileAAD)
            return try dec.decrypt(file, at: header.offset + header.consumed, module: page, rowGroup: 0,
                                   column: header.column, page: page.hasPageOrdinal ? 0 : nil).plaintext
        }
        for (header, page) in [(ModuleType.dataPageHeader, ModuleType.dataPage), (.dictionaryPageHeader, .dictionaryPage)] {
            let gcm = try firstPage("encrypt_columns_and_footer.parquet.encrypted", ctr: false, header: header, page: page)
            let ctr = try firstPage("encrypt_columns_and_footer_ctr.parquet.encrypted", ctr: true, header: header, page: page)
            #expect(gcm.count > 40)
            #expect(ctr == gcm)
        }
    }
}

extension EncryptedFileProbe.EncryptedFooter: Equatable {
    static func == (a: Self, b: Self) -> Bool { a.moduleOffset == b.moduleOffset && a.fileAAD == b.fileAAD }
}
