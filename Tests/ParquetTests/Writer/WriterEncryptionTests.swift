import Foundation
import Testing
import Columnar
import StrongroomCrypto
@testable import Parquet

enum TestKeys {
    /// The parquet-testing keys: footer "kf", columns "kc1", "kc2" (key metadata = the id).
    static let keysFile: KeysFile = {
        let k = { (s: String) in try! SecretKey(bytes: Array(s.utf8)) }
        return KeysFile(keys: ["kf": k("0123456789012345"), "kc1": k("1234567890123450"), "kc2": k("1234567890123451")])
    }()
    static var explicit: ExplicitKeyProvider { ExplicitKeyProvider(keysFile: keysFile) }

    static func config(columns: [(String, [String])], algorithm: ParquetEncryptionConfig.Algorithm = .aesGcmV1,
                       plaintextFooter: Bool = false, aadPrefix: [UInt8]? = nil, storeAadPrefix: Bool = true) throws -> ParquetEncryptionConfig {
        try ParquetEncryptionConfig.make(issuer: explicit, footerKeyID: "kf", columnKeyIDs: columns.map { ($0.0, $0.1) },
                                         algorithm: algorithm, plaintextFooter: plaintextFooter,
                                         aadPrefix: aadPrefix, storeAadPrefix: storeAadPrefix)
    }
}

@Suite struct WriterEncryptionTests {
    static let layouts: [(String, [(String, [String])])] = [
        ("uniform", []),
        ("columns", [("kc1", ["s", "i64", "d20"]), ("kc2", ["f64", "b"])]),
    ]

    @Test(arguments: [ParquetEncryptionConfig.Algorithm.aesGcmV1, .aesGcmCtrV1], [false, true])
    func roundTrip(algorithm: ParquetEncryptionConfig.Algorithm, plaintextFooter: Bool) throws {
        for (name, columns) in Self.layouts {
            let path = WriterFixtures.temporaryPath("enc")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let batch = WriterFixtures.allTypesBatch(rows: 2500)
            let encryption = try TestKeys.config(columns: columns, algorithm: algorithm, plaintextFooter: plaintextFooter)
            try WriterFixtures.write([batch], to: path, options: .init(rowGroupRows: 1000, dataPageRows: 300, encryption: encryption))
            let bytes = try #require(FileManager.default.contents(atPath: path))
            #expect(Array(bytes.suffix(4)) == Array((plaintextFooter ? "PAR1" : "PARE").utf8), "\(name)")
            let back = try WriterFixtures.readBack(path, options: .init(keys: TestKeys.explicit))
            WriterFixtures.expectSameRows(back, batch)
            let reader = try ParquetFileReader(path: path, options: .init(keys: TestKeys.explicit))
            let info = try #require(reader.encryption)
            #expect(info.footerEncrypted == !plaintextFooter)
            #expect(info.footerSignatureVerified)
            #expect(info.algorithm.name == (algorithm == .aesGcmV1 ? "AES_GCM_V1" : "AES_GCM_CTR_V1"))
            #expect(info.algorithm.aadFileUnique?.count == 8)
            // Statistics survive in the (decrypted) column metadata.
            let s = try #require(batch.schema.index(of: "s"))
            #expect(try reader.columnMetaData(rowGroup: 1, column: s).statistics?.minValue != nil)
        }
    }

    @Test func plaintextFooterKeepsPlainColumnsReadableWithoutKeys() throws {
        let path = WriterFixtures.temporaryPath("enc")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let batch = WriterFixtures.allTypesBatch(rows: 500)
        let encryption = try TestKeys.config(columns: [("kc1", ["s"])], plaintextFooter: true)
        try WriterFixtures.write([batch], to: path, options: .init(encryption: encryption))
        let reader = try ParquetFileReader(path: path)
        #expect(reader.encryption?.footerSignatureVerified == false)
        let i64 = try #require(batch.schema.index(of: "i64")), s = try #require(batch.schema.index(of: "s"))
        let plain = try reader.readRowGroup(0, fields: [i64])
        #expect(plain.columns[0] == batch.columns[i64])
        // The footer holds a redacted copy of the encrypted column's metadata: no statistics.
        #expect(reader.metadata.rowGroups[0].columns[s].metaData?.statistics == nil)
        #expect(reader.metadata.rowGroups[0].columns[s].encryptedColumnMetadata != nil)
        let error = try #require(throws: ParquetError.self) { _ = try reader.readRowGroup(0, fields: [s]) }
        #expect(error.code == .missingKey)
        #expect(error.message.contains("'s'"))
    }

    @Test(arguments: [true, false])
    func aadPrefix(stored: Bool) throws {
        let path = WriterFixtures.temporaryPath("aad")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let batch = WriterFixtures.allTypesBatch(rows: 300)
        let prefix = Array("partition=2024-01".utf8)
        let encryption = try TestKeys.config(columns: [("kc1", ["s"])], aadPrefix: prefix, storeAadPrefix: stored)
        try WriterFixtures.write([batch], to: path, options: .init(encryption: encryption))
        let supplied = ParquetReadOptions(keys: TestKeys.explicit, aadPrefix: prefix)
        WriterFixtures.expectSameRows(try WriterFixtures.readBack(path, options: supplied), batch)
        let reader = try ParquetFileReader(path: path, options: supplied)
        #expect(reader.encryption?.algorithm.aadPrefix == (stored ? prefix : nil))
        #expect(reader.encryption?.algorithm.supplyAadPrefix == !stored)
        if stored {
            WriterFixtures.expectSameRows(try WriterFixtures.readBack(path, options: .init(keys: TestKeys.explicit)), batch)
        } else {
            let missing = try #require(throws: ParquetError.self) { _ = try ParquetFileReader(path: path, options: .init(keys: TestKeys.explicit)) }
            #expect(missing.code == .missingKey)
            let wrong = try #require(throws: ParquetError.self) {
                _ = try WriterFixtures.readBack(path, options: .init(keys: TestKeys.explicit, aadPrefix: Array("partition=2024-02".utf8)))
            }
            #expect(wrong.code == .authentication)
        }
    }

    /// Random 128-bit data keys wrapped (double wrapping) under master keys, PKMT1 key metadata.
    @Test func keyMaterialDoubleWrapping() throws {
        let path = WriterFixtures.temporaryPath("kms")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let batch = WriterFixtures.allTypesBatch(rows: 800)
        let issuer = KeyMaterialProvider(keysFile: TestKeys.keysFile)
        let encryption = try ParquetEncryptionConfig.make(issuer: issuer, footerKeyID: "kf",
                                                          columnKeyIDs: [("kc1", ["s", "i32"]), ("kc2", ["f64"])])
        #expect(encryption.footerKey.key.bitCount == 128)
        let json = String(decoding: try #require(encryption.columnKeys["s"]?.keyMetadata), as: UTF8.self)
        #expect(json.contains("\"doubleWrapping\":true") && json.contains("\"masterKeyID\":\"kc1\""))
        try WriterFixtures.write([batch], to: path, options: .init(encryption: encryption))
        let reader = KeyMaterialProvider(keysFile: TestKeys.keysFile)
        WriterFixtures.expectSameRows(try WriterFixtures.readBack(path, options: .init(keys: reader)), batch)
        // Without the column's master key the column cannot be read, and the error names it.
        let partial = KeyMaterialProvider(keysFile: KeysFile(keys: ["kf": TestKeys.keysFile["kf"]!, "kc2": TestKeys.keysFile["kc2"]!]))
        let error = try #require(throws: ParquetError.self) { _ = try WriterFixtures.readBack(path, options: .init(keys: partial)) }
        #expect(error.code == .missingKey)
    }

    @Test func missingAndWrongKeys() throws {
        let path = WriterFixtures.temporaryPath("keys")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let batch = WriterFixtures.allTypesBatch(rows: 300)
        try WriterFixtures.write([batch], to: path, options: .init(encryption: try TestKeys.config(columns: [("kc1", ["s"])])))

        let noKeys = try #require(throws: ParquetError.self) { _ = try ParquetFileReader(path: path) }
        #expect(noKeys.code == .missingKey)
        #expect(noKeys.message.contains("'kf'"))

        let footerOnly = ExplicitKeyProvider(keysFile: KeysFile(keys: ["kf": TestKeys.keysFile["kf"]!]))
        let reader = try ParquetFileReader(path: path, options: .init(keys: footerOnly))
        let s = try #require(batch.schema.index(of: "s"))
        let missing = try #require(throws: ParquetError.self) { _ = try reader.readRowGroup(0, fields: [s]) }
        #expect(missing.code == .missingKey)
        #expect(missing.message.contains("'s'") && missing.message.contains("kc1"))

        let wrongColumnKey = ExplicitKeyProvider(keysFile: KeysFile(keys: ["kf": TestKeys.keysFile["kf"]!, "kc1": TestKeys.keysFile["kc2"]!]))
        let wrong = try #require(throws: ParquetError.self) {
            _ = try ParquetFileReader(path: path, options: .init(keys: wrongColumnKey)).readRowGroup(0, fields: [s])
        }
        #expect(wrong.code == .authentication)
        #expect(wrong.message.contains("'s'"))

        let wrongFooterKey = ExplicitKeyProvider(keysFile: KeysFile(keys: ["kf": TestKeys.keysFile["kc2"]!]))
        let footer = try #require(throws: ParquetError.self) { _ = try ParquetFileReader(path: path, options: .init(keys: wrongFooterKey)) }
        #expect(footer.code == .authentication)
    }

    /// Every module of a GCM file is authenticated: flip one byte in its nonce, ciphertext or tag
    /// and reading fails with `.authentication` (never a crash or wrong data).
    @Test(arguments: [false, true])
    func flippedByteInAnyModuleFailsAuthentication(plaintextFooter: Bool) throws {
        let path = WriterFixtures.temporaryPath("flip")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let schema = Schema([Field("x", .int64), Field("s", .string)])
        var strings = ByteArrays()
        for i in 0..<400 { strings.append(Array("v\(i % 37)".utf8)) }
        let batch = RecordBatch(schema: schema, columns: [
            Column(type: .int64, values: .int64((0..<400).map { Int64($0) })),
            Column(type: .string, values: .bytes(strings)),
        ])
        let encryption = try TestKeys.config(columns: [("kc1", ["s"]), ("kc2", ["x"])], plaintextFooter: plaintextFooter)
        try WriterFixtures.write([batch], to: path, options: .init(dataPageRows: 150, encryption: encryption))
        let original = [UInt8](try #require(FileManager.default.contents(atPath: path)))
        let footerLength = Int(original[original.count - 8]) | Int(original[original.count - 7]) << 8
            | Int(original[original.count - 6]) << 16 | Int(original[original.count - 5]) << 24
        let footerStart = original.count - 8 - footerLength
        // Walk the modules of the column chunks: length(4) ‖ nonce ‖ ciphertext ‖ tag, back to back.
        var modules: [Range<Int>] = []
        var offset = 4
        while offset < footerStart {
            let length = Int(original[offset]) | Int(original[offset + 1]) << 8 | Int(original[offset + 2]) << 16 | Int(original[offset + 3]) << 24
            modules.append(offset + 4..<offset + 4 + length)
            offset += 4 + length
        }
        #expect(offset == footerStart)
        #expect(modules.count >= 10)   // x: 3 headers + 3 pages (+ dictionary), s likewise
        if !plaintextFooter {
            let (_, cryptoLength) = try original[footerStart...].withUnsafeBytes { try FileCryptoMetaData.decode(from: $0) }
            modules.append(footerStart + cryptoLength + 4..<original.count - 8)
        }
        for module in modules {
            for position in [module.lowerBound, module.lowerBound + 13, (module.lowerBound + module.upperBound) / 2, module.upperBound - 1] {
                var tampered = original
                tampered[position] ^= 0x20
                let tamperedPath = path + ".t"
                _ = FileManager.default.createFile(atPath: tamperedPath, contents: Data(tampered))
                defer { try? FileManager.default.removeItem(atPath: tamperedPath) }
                do {
                    _ = try WriterFixtures.readBack(tamperedPath, options: .init(keys: TestKeys.explicit))
                    Issue.record("flipping byte \(position) went unnoticed")
                } catch let error as ParquetError {
                    #expect(error.code == .authentication, "byte \(position): \(error.message)")
                }
            }
        }
        if plaintextFooter {
            // The signed footer: a flipped byte in the serialized metadata breaks the signature.
            var tampered = original
            tampered[footerStart + footerLength / 2] ^= 0x01
            let tamperedPath = path + ".f"
            _ = FileManager.default.createFile(atPath: tamperedPath, contents: Data(tampered))
            defer { try? FileManager.default.removeItem(atPath: tamperedPath) }
            #expect(throws: ParquetError.self) { _ = try ParquetFileReader(path: tamperedPath, options: .init(keys: TestKeys.explicit)) }
        }
    }

    @Test func configurationErrors() throws {
        let schema = Schema([Field("x", .int64)])
        let unknown = try TestKeys.config(columns: [("kc1", ["nope"])])
        let path = WriterFixtures.temporaryPath("cfg")
        #expect(throws: ParquetError.self) { _ = try ParquetFileWriter(path: path, schema: schema, options: .init(encryption: unknown)) }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(WriterFixtures.leftovers(of: path).isEmpty)
        #expect(throws: ParquetError.self) { _ = try TestKeys.config(columns: [("nokey", ["x"])]) }
        #expect(try ParquetEncryptionConfig.parseColumnKeyOption("kc1:a, b.c") == ("kc1", ["a", "b.c"]))
        #expect(throws: ParquetError.self) { _ = try ParquetEncryptionConfig.parseColumnKeyOption("kc1") }
        #expect(throws: ParquetError.self) { _ = try ParquetEncryptionConfig.parseColumnKeyOption(":a") }
    }
}

