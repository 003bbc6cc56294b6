import Foundation
import Testing
import Parquet
import StrongroomCrypto

private func keysFile(_ keys: [String: String]) throws -> KeysFile {
    let members = keys.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\(Data($0.value.utf8).base64EncodedString())\"" }
    return try KeysFile(json: Array(("{" + members.joined(separator: ",") + "}").utf8))
}

private func hexString(_ key: SecretKey) -> String {
    key.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
}

@Suite struct KeyMaterialTests {
    let javaMasterKeys: [String: String] = ["kf": "0123456789012345", "kc1": "1234567890123450", "kc2": "1234567890123451"]
    let externalPath = EncryptedFileProbe.directory + "_KEY_MATERIAL_FOR_external_key_material_java.parquet.encrypted.json"

    /// SOURCES.md row external_key_material_java: the DEKs verified by unwrapping the real file.
    @Test func unwrapsParquetJavaExternalKeyMaterial() throws {
        let material = try ExternalKeyMaterial(contentsOf: externalPath)
        let provider = KeyMaterialProvider(keysFile: try keysFile(javaMasterKeys), externalKeyMaterial: material)
        let footerMetadata = Array(#"{"keyMaterialType":"PKMT1","internalStorage":false,"keyReference":"footerKey"}"#.utf8)
        #expect(hexString(try provider.key(for: footerMetadata, column: nil)) == "5e63ada1593fab4abb6aecbc6a82dd1a")
        let c0 = KeyMetadata.externalReference("columnKey0").serialized()
        let c1 = KeyMetadata.externalReference("columnKey1").serialized()
        #expect(hexString(try provider.key(for: c0, column: ["integers"])) == "6864726b09bbd978fae87df0ad4155d0")
        #expect(hexString(try provider.key(for: c1, column: ["strings"])) == "4f1b17c621d61b1917a356d2cf1eafcc")
        // Without the material file, or with the wrong master key, it fails cleanly.
        let noExternal = KeyMaterialProvider(keysFile: try keysFile(javaMasterKeys))
        #expect(throws: ParquetError(.missingKey, "")) { try noExternal.key(for: footerMetadata, column: nil) }
        var swapped = javaMasterKeys
        swapped["kf"] = "1234567890123450"
        let wrong = KeyMaterialProvider(keysFile: try keysFile(swapped), externalKeyMaterial: material)
        #expect(throws: ParquetError(.wrongKey, "")) { try wrong.key(for: footerMetadata, column: nil) }
    }

    /// The DEK decrypts the real file's footer: the whole chain is right, not just the unwrap.
    @Test func javaFooterDecryptsWithUnwrappedKey() throws {
        let provider = KeyMaterialProvider(keysFile: try keysFile(javaMasterKeys),
                                           externalKeyMaterial: try ExternalKeyMaterial(contentsOf: externalPath))
        let file = try EncryptedFileProbe.load("external_key_material_java.parquet.encrypted")
        let marker = Array(#"{"keyMaterialType":"PKMT1","internalStorage":false,"keyReference":"footerKey"}"#.utf8)
        #expect(file.firstRange(of: marker) != nil)   // the key metadata parquet-java stored
        #expect(KeyMetadata.externalReference("footerKey").serialized() == marker)
        let dek = try provider.key(for: marker, column: nil)
        #expect(try EncryptedFileProbe.decryptFooter(file, key: dek) != nil)
    }

    /// Byte-identical re-serialization of the Java file: Jackson + HashMap member order.
    @Test func serializesLikeParquetJava() throws {
        let original = try #require(FileManager.default.contents(atPath: externalPath))
        let material = try ExternalKeyMaterial(json: [UInt8](original))
        #expect(material.serialized() == [UInt8](original))
        let footer = try #require(material.materials["footerKey"])
        #expect(footer.kmsInstanceID == "DEFAULT" && footer.kmsInstanceURL == "DEFAULT")
        #expect(footer.isFooterKey && footer.isDoubleWrapped && footer.masterKeyID == "kf")
        // Internal storage adds "internalStorage":true in HashMap position.
        let internalJSON = String(decoding: KeyMetadata.internalMaterial(footer).serialized(), as: UTF8.self)
        #expect(internalJSON.hasPrefix(#"{"kmsInstanceURL":"DEFAULT","masterKeyID":"kf","wrappedDEK":"#))
        #expect(internalJSON.contains(#""doubleWrapping":true,"internalStorage":true,"isFooterKey":true,"keyMaterialType":"PKMT1","kmsInstanceID":"DEFAULT","wrappedKEK":"#))
        #expect(try KeyMetadata(bytes: Array(internalJSON.utf8)) == .internalMaterial(footer))
    }

    @Test(arguments: [true, false])
    func issueAndResolveRoundTrip(doubleWrapping: Bool) throws {
        let keys = try keysFile(javaMasterKeys)
        let writer = KeyMaterialProvider(keysFile: keys, doubleWrapping: doubleWrapping)
        let footer = try writer.issueKey(keyID: "kf", column: nil)
        let column = try writer.issueKey(keyID: "kc1", column: ["a", "b"])
        let column2 = try writer.issueKey(keyID: "kc1", column: ["c"])
        #expect(footer.key.byteCount == 16)
        let reader = KeyMaterialProvider(keysFile: keys)
        #expect(try reader.key(for: footer.keyMetadata, column: nil).hasSameBytes(as: footer.key))
        #expect(try reader.key(for: column.keyMetadata, column: ["a", "b"]).hasSameBytes(as: column.key))
        guard case .internalMaterial(let m1) = try KeyMetadata(bytes: column.keyMetadata),
              case .internalMaterial(let m2) = try KeyMetadata(bytes: column2.keyMetadata) else {
            Issue.record("not internal material"); return
        }
        #expect(m1.isDoubleWrapped == doubleWrapping && !m1.isFooterKey && m1.kmsInstanceID == nil)
        if doubleWrapping {
            #expect(m1.keyEncryptionKeyID == m2.keyEncryptionKeyID)   // one KEK per master key per writer
            #expect(Data(base64Encoded: m1.keyEncryptionKeyID!)!.count == 16)
        }
        #expect(!String(decoding: column.keyMetadata, as: UTF8.self).contains(" "))
    }

    @Test func plainKeyIdsResolveThroughTheSameProvider() throws {
        let provider = KeyMaterialProvider(keysFile: try keysFile(javaMasterKeys))
        #expect(try provider.key(for: Array("kc2".utf8), column: ["x"]).hasSameBytes(as: try keysFile(javaMasterKeys)["kc2"]!))
        #expect(throws: ParquetError(.missingKey, "")) { try provider.key(for: Array("nope".utf8), column: ["x"]) }
        #expect(throws: ParquetError(.missingKey, "")) { try provider.key(for: nil, column: nil) }
    }

    @Test func malformedKeyMetadataThrows() throws {
        let provider = KeyMaterialProvider(keysFile: try keysFile(javaMasterKeys))
        let cases = [
            #"{"keyMaterialType":"PKMT2","internalStorage":true}"#,
            #"{"keyMaterialType":"PKMT1","internalStorage":true,"isFooterKey":true}"#,
            #"{"keyMaterialType":"PKMT1","internalStorage":true,"masterKeyID":"kf","wrappedDEK":"!!","doubleWrapping":false}"#,
            #"{"keyMaterialType":"PKMT1","internalStorage":true,"masterKeyID":"kf","wrappedDEK":"AAAA","doubleWrapping":false}"#,
            #"{"keyMaterialType":"PKMT1","internalStorage":true,"masterKeyID":"kf","wrappedDEK":"AAAA","doubleWrapping":true}"#,
            #"{"keyMaterialType":"PKMT1","internalStorage":true,"masterKeyID":"zz","wrappedDEK":"AAAA","doubleWrapping":false}"#,
            #"{"keyMaterialType":"PKMT1","internalStorage":false}"#,
            #"{"keyMaterialType":"PKMT1","a":{"b":1}}"#,
            #"{"keyMaterialType":"PKMT1""#,
            #"{"keyMaterialType":"PKMT1","keyMaterialType":"PKMT1"}"#,
            "{",
            "{\"a\":\"\\ud800\"}",
        ]
        for text in cases {
            #expect(throws: ParquetError.self) { try provider.key(for: Array(text.utf8), column: nil) }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let n = Int.random(in: 1..<60, using: &generator)
            let junk = [UInt8(ascii: "{")] + (0..<n).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(throws: ParquetError.self) { try provider.key(for: junk, column: nil) }
        }
    }

    @Test func externalKeyMaterialPath() {
        #expect(ExternalKeyMaterial.path(forParquetFile: "/d/x.parquet") == "/d/_KEY_MATERIAL_FOR_x.parquet.json")
        #expect(ExternalKeyMaterial.path(forParquetFile: "x.parquet") == "_KEY_MATERIAL_FOR_x.parquet.json")
    }
}
