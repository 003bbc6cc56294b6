import Columnar
import Foundation
import Parquet
import StrongroomCrypto
import Testing

/// parquet-testing's encrypted files (parquet-cpp and parquet-mr) against ENCRYPTED_EXPECTED.json,
/// with the keys documented in ../shared/vectors/parquet/SOURCES.md (ASCII strings).
@Suite("parquet-testing encrypted files")
struct EncryptedVectorTests {
    static var expected: [String: JSONValue] {
        (try? Vectors.json("encrypted/ENCRYPTED_EXPECTED.json").object) ?? [:]
    }

    static func keys(aes256: Bool) throws -> KeysFile {
        var keys: [String: SecretKey] = [:]
        if aes256 {
            keys["kf"] = try SecretKey(bytes: Array("01234567890123456789012345678901".utf8))
            for i in 1...8 { keys["kc\(i)"] = try SecretKey(bytes: Array("123456789012345678901234567890\(11 + i)".utf8)) }
        } else {
            keys["kf"] = try SecretKey(bytes: Array("0123456789012345".utf8))
            keys["kc1"] = try SecretKey(bytes: Array("1234567890123450".utf8))
            keys["kc2"] = try SecretKey(bytes: Array("1234567890123451".utf8))
        }
        return KeysFile(keys: keys)
    }

    static func provider(for file: String) throws -> any ParquetKeyProvider {
        let keys = try Self.keys(aes256: file.hasPrefix("aes256/"))
        let path = Vectors.parquet.appendingPathComponent("encrypted/\(file)").path
        let externalPath = ExternalKeyMaterial.path(forParquetFile: path)
        let external = FileManager.default.fileExists(atPath: externalPath) ? try ExternalKeyMaterial(contentsOf: externalPath) : nil
        return KeyMaterialProvider(keysFile: keys, externalKeyMaterial: external)
    }

    static func open(_ file: String, aadPrefix: String? = nil, keys: Bool = true) throws -> ParquetFileReader {
        let path = Vectors.parquet.appendingPathComponent("encrypted/\(file)").path
        return try ParquetFileReader(path: path, options: .init(keys: keys ? try provider(for: file) : nil,
                                                               aadPrefix: aadPrefix.map { Array($0.utf8) }))
    }

    @Test func expectationsPresent() { #expect(Self.expected.count >= 13) }

    @Test("all columns decrypt to the expected rows", arguments: expected.keys.sorted())
    func decrypts(file: String) throws {
        let entry = try #require(Self.expected[file])
        let reader = try Self.open(file, aadPrefix: file.contains("disable_aad_storage") ? "tester" : nil)
        #expect(reader.numRows == Int64(entry["num_rows"]?.int ?? -1))
        let batches = try reader.readAll()
        let columns = entry["column_values_all_rows"]?.object?.compactMapValues { $0.array }
        let values = try #require(columns)
        for (name, column) in values {
            var row = 0
            for batch in batches {
                let index = try #require(batch.schema.index(of: name), "\(file): column \(name)")
                let isInt96 = reader.schema.columns.contains { $0.path.first == name && $0.physicalType == .int96 }
                for r in 0..<batch.rowCount {
                    let actual = ExpectedShape.cell(batch.columns[index], r)
                    if isInt96 {
                        #expect(ExpectedShape.int96Matches(micros: actual, pyarrowNanos: column[row]), "\(file) \(name) row \(row): \(actual)")
                    } else {
                        #expect(actual == ExpectedShape.parse(column[row]), "\(file) \(name) row \(row)")
                    }
                    row += 1
                }
            }
            #expect(row == column.count)
        }
        // Columns pyarrow could not read with the footer key alone follow the generator of
        // test_encryption_util.cc: float_field = i * 1.1f, double_field = i * 1.1111111.
        if reader.numRows == 50, let hidden = entry["columns_not_readable_with_footer_key_alone"]?.array?.compactMap(\.string), hidden.contains("double_field"),
           let batch = batches.first, let d = batch.schema.index(of: "double_field"), let f = batch.schema.index(of: "float_field") {
            if case .float64(let doubles) = batch.columns[d].values, case .float32(let floats) = batch.columns[f].values {
                for i in 0..<batch.rowCount {
                    #expect(doubles[i] == Double(i) * 1.1111111, "\(file) double_field \(i)")
                    #expect(floats[i] == Float(i) * 1.1, "\(file) float_field \(i)")
                }
            } else {
                Issue.record("\(file): unexpected storage for float/double")
            }
        }
    }

    @Test func aadPrefixMustBeSupplied() throws {
        for file in ["encrypt_columns_and_footer_disable_aad_storage.parquet.encrypted",
                     "aes256/encrypt_columns_and_footer_disable_aad_storage.parquet.encrypted"] {
            let error = #expect(throws: ParquetError.self) { _ = try Self.open(file) }
            #expect(error?.code == .missingKey)
            #expect(throws: ParquetError.self) { _ = try Self.open(file, aadPrefix: "wrong") }
            _ = try Self.open(file, aadPrefix: "tester").readAll()
        }
    }

    @Test func plaintextFooterWithoutKeys() throws {
        let reader = try Self.open("encrypt_columns_plaintext_footer.parquet.encrypted", keys: false)
        #expect(reader.encryption?.footerEncrypted == false)
        #expect(reader.encryption?.footerSignatureVerified == false)
        let plain = reader.schema.schema.fields.indices.filter { !["double_field", "float_field"].contains(reader.schema.schema.fields[$0].name) }
        let batch = try reader.readRowGroup(0, fields: plain)
        #expect(batch.rowCount == 50)
        let error = #expect(throws: ParquetError.self) { _ = try reader.readRowGroup(0) }
        #expect(error?.code == .missingKey)
        #expect(error?.message.contains("kc") == true, "names the key id: \(error?.message ?? "")")
        let verified = try Self.open("encrypt_columns_plaintext_footer.parquet.encrypted")
        #expect(verified.encryption?.footerSignatureVerified == true)
    }

    @Test func wrongKeysFailAuthentication() throws {
        let file = "uniform_encryption.parquet.encrypted"
        let path = Vectors.parquet.appendingPathComponent("encrypted/\(file)").path
        let wrong = KeysFile(keys: ["kf": try SecretKey(bytes: Array("5555555555555555".utf8))])
        let error = #expect(throws: ParquetError.self) {
            _ = try ParquetFileReader(path: path, options: .init(keys: ExplicitKeyProvider(keysFile: wrong))).readAll()
        }
        #expect(error?.code == .authentication)
        let none = #expect(throws: ParquetError.self) { _ = try ParquetFileReader(path: path) }
        #expect(none?.code == .missingKey)
        #expect(none?.message.contains("'kf'") == true, "\(none?.message ?? "")")
    }

    @Test func tamperedBytesFailAuthentication() throws {
        // Every column of the uniform file is encrypted; in files with plaintext columns, their
        // pages are (by design of PME) not authenticated.
        let file = "uniform_encryption.parquet.encrypted"
        let original = [UInt8](try Data(contentsOf: Vectors.parquet.appendingPathComponent("encrypted/\(file)")))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sr-tamper-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let reference = try ParquetFileReader(path: Vectors.parquet.appendingPathComponent("encrypted/\(file)").path,
                                              options: .init(keys: try Self.provider(for: file))).readAll()
        var rng = SeededGenerator(seed: 7)
        var failures = 0
        for _ in 0..<60 {
            var damaged = original
            let position = Int(rng.next() % UInt64(damaged.count))
            damaged[position] ^= 0x01
            let url = dir.appendingPathComponent(file)
            try Data(damaged).write(to: url)
            // Either the damage is detected, or it hit bytes the reader never uses (e.g. page
            // indexes) and the rows are exactly the original ones: never wrong data.
            do {
                let batches = try ParquetFileReader(path: url.path, options: .init(keys: try Self.provider(for: file))).readAll()
                if batches != reference { Issue.record("flip at \(position) of \(original.count) changed the data without an error") }
            } catch is ParquetError {
                failures += 1
            }
        }
        #expect(failures > 20, "most flips hit authenticated bytes")
    }
}
