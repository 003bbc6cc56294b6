import Testing
import Parquet
import StrongroomCrypto

@Suite struct ModuleCipherTests {
    let fileAAD: [UInt8] = Array("prefix".utf8) + [1, 2, 3, 4, 5, 6, 7, 8]
    let payload: [UInt8] = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }

    @Test(arguments: [false, true])
    func roundTripEveryModuleType(ctr: Bool) throws {
        let key = try SecretKey.random(bitCount: 128)
        let enc = ModuleEncryptor(usesCTRForPageData: ctr, key: key, fileAAD: fileAAD)
        let dec = ModuleDecryptor(usesCTRForPageData: ctr, key: key, fileAAD: fileAAD)
        for type in ModuleType.allCases {
            let rg: Int? = type == .footer ? nil : 3
            let col: Int? = type == .footer ? nil : 4
            let page: Int? = type.hasPageOrdinal ? 5 : nil
            let framed = try enc.encrypt(payload, module: type, rowGroup: rg, column: col, page: page)
            let overhead = ctr && type.isPageData ? 16 : 32
            #expect(framed.count == payload.count + overhead)
            #expect(Int(framed[0]) | Int(framed[1]) << 8 == payload.count + overhead - 4)
            // Decrypt from a position inside a larger buffer, as a reader does on file bytes.
            let buffer = [0xEE, 0xEE, 0xEE] + framed + [0xEE]
            let (plain, consumed) = try dec.decrypt(buffer, at: 3, module: type, rowGroup: rg, column: col, page: page)
            #expect(plain == payload)
            #expect(consumed == framed.count)
        }
    }

    @Test func nonceIsFreshPerModule() throws {
        let key = try SecretKey.random(bitCount: 256)
        let enc = ModuleEncryptor(usesCTRForPageData: false, key: key, fileAAD: fileAAD)
        let a = try enc.encrypt(payload, module: .footer)
        let b = try enc.encrypt(payload, module: .footer)
        #expect(a[4..<16] != b[4..<16])
    }

    @Test func ctrPagesAreGCMInGcmV1AndCTRInGcmCtrV1() throws {
        let key = try SecretKey.random(bitCount: 128)
        let framed = try ModuleEncryptor(usesCTRForPageData: true, key: key, fileAAD: fileAAD)
            .encrypt(payload, module: .dataPage, rowGroup: 0, column: 0, page: 0)
        // Body is plain CTR with counter block nonce ‖ 00000001.
        let nonce = Array(framed[4..<16])
        #expect(try AESCTR.apply(Array(framed[16...]), key: key, nonce: nonce) == payload)
        // GCM module: nonce ‖ ciphertext ‖ tag opens with the module AAD.
        let gcm = try ModuleEncryptor(usesCTRForPageData: true, key: key, fileAAD: fileAAD)
            .encrypt(payload, module: .dataPageHeader, rowGroup: 0, column: 0, page: 0)
        let aad = try ModuleAAD.make(fileAAD: fileAAD, module: .dataPageHeader, rowGroup: 0, column: 0, page: 0)
        #expect(try AESGCM.open(Array(gcm[16...]), key: key, nonce: Array(gcm[4..<16]), aad: aad) == payload)
    }

    @Test func tamperWrongKeyWrongOrdinalFailAuthentication() throws {
        let key = try SecretKey.random(bitCount: 128)
        let enc = ModuleEncryptor(usesCTRForPageData: false, key: key, fileAAD: fileAAD)
        let dec = ModuleDecryptor(usesCTRForPageData: false, key: key, fileAAD: fileAAD)
        let framed = try enc.encrypt(payload, module: .dataPage, rowGroup: 1, column: 2, page: 3)
        let auth = ParquetError(.authentication, "")
        for index in [4, 15, 16, 500, framed.count - 1] {
            var bad = framed
            bad[index] ^= 0x80
            #expect(throws: auth) { try dec.decrypt(bad, module: .dataPage, rowGroup: 1, column: 2, page: 3) }
        }
        // Swapped module: same bytes presented as another page, column, row group or type.
        #expect(throws: auth) { try dec.decrypt(framed, module: .dataPage, rowGroup: 1, column: 2, page: 4) }
        #expect(throws: auth) { try dec.decrypt(framed, module: .dataPage, rowGroup: 1, column: 3, page: 3) }
        #expect(throws: auth) { try dec.decrypt(framed, module: .dataPage, rowGroup: 0, column: 2, page: 3) }
        #expect(throws: auth) { try dec.decrypt(framed, module: .dataPageHeader, rowGroup: 1, column: 2, page: 3) }
        let other = ModuleDecryptor(usesCTRForPageData: false, key: try SecretKey.random(bitCount: 128), fileAAD: fileAAD)
        do {
            _ = try other.decrypt(framed, module: .dataPage, rowGroup: 1, column: 2, page: 3, context: "column a.b, row group 1")
            Issue.record("wrong key decrypted")
        } catch let error as ParquetError {
            #expect(error.code == .authentication)
            #expect(error.message.contains("data page"))
            #expect(error.message.contains("column a.b, row group 1"))
        }
    }

    @Test func malformedFramesThrowNotCrash() throws {
        let key = try SecretKey.random(bitCount: 128)
        let dec = ModuleDecryptor(usesCTRForPageData: true, key: key, fileAAD: fileAAD)
        let framed = try ModuleEncryptor(usesCTRForPageData: true, key: key, fileAAD: fileAAD).encrypt(payload, module: .footer)
        for cut in [0, 1, 3, 4, 20, framed.count - 1] {
            #expect(throws: ParquetError.self) { try dec.decrypt(Array(framed[..<cut]), module: .footer) }
        }
        #expect(throws: ParquetError.self) { try dec.decrypt(framed, at: framed.count + 5, module: .footer) }
        #expect(throws: ParquetError.self) { try dec.decrypt(framed, at: -1, module: .footer) }
        // Length field below the nonce/tag overhead, and 0xFFFFFFFF.
        #expect(throws: ParquetError(.malformed, "")) { try dec.decrypt([27, 0, 0, 0] + [UInt8](repeating: 0, count: 40), module: .footer) }
        #expect(throws: ParquetError(.malformed, "")) { try dec.decrypt([11, 0, 0, 0] + [UInt8](repeating: 0, count: 40), module: .dataPage, rowGroup: 0, column: 0, page: 0) }
        #expect(throws: ParquetError(.truncated, "")) { try dec.decrypt([0xFF, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 40), module: .footer) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let n = Int.random(in: 0..<80, using: &generator)
            var junk = (0..<n).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if n >= 4, Bool.random(using: &generator) { junk[0] = UInt8(n - 4); junk[1] = 0; junk[2] = 0; junk[3] = 0 }
            #expect(throws: ParquetError.self) { try dec.decrypt(junk, module: .columnIndex, rowGroup: 0, column: 0) }
        }
    }

    @Test func decryptIntoCallerBuffer() throws {
        let key = try SecretKey.random(bitCount: 192)
        let framed = try ModuleEncryptor(usesCTRForPageData: false, key: key, fileAAD: fileAAD)
            .encrypt(payload, module: .dictionaryPage, rowGroup: 0, column: 1)
        let dec = ModuleDecryptor(usesCTRForPageData: false, key: key, fileAAD: fileAAD)
        let aad = try ModuleAAD.make(fileAAD: fileAAD, module: .dictionaryPage, rowGroup: 0, column: 1)
        var out = [UInt8](repeating: 0, count: payload.count)
        let consumed = try framed.withUnsafeBytes { buf in
            #expect(try dec.plaintextByteCount(in: buf, at: 0, module: .dictionaryPage) == payload.count)
            #expect(try EncryptedModuleFrame.totalByteCount(in: buf, at: 0) == framed.count)
            return try out.withUnsafeMutableBytes { try dec.decrypt(buf, at: 0, module: .dictionaryPage, aad: aad, into: $0) }
        }
        #expect(consumed == framed.count)
        #expect(out == payload)
    }
}
