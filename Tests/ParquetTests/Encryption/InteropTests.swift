import Foundation
import Testing
import Parquet
import StrongroomCrypto

/// Real pyarrow (parquet-cpp) and python `cryptography` on the other side, with the InMemoryKMS
/// wrapping of /work/shared/bench/pme_interop.py.
@Suite struct InteropTests {
    /// python3 from PATH (pyenv here) with pyarrow and cryptography; the tests skip without it.
    static let available: Bool = (try? run("import pyarrow, cryptography; print('ok')")) == "ok"

    static func run(_ script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ParquetError(.io, "python failed") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static let masterKeysJSON = #"{"kf":"MDEyMzQ1Njc4OTAxMjM0NQ==","k1":"MTIzNDU2Nzg5MDEyMzQ1MA==","k2":"MTIzNDU2Nzg5MDEyMzQ1MQ=="}"#

    /// pyarrow writes a file with PKMT1 internal key material (double wrapping); we recover the
    /// footer key from its key metadata and decrypt its footer.
    @Test(.enabled(if: available)) func readsPyarrowKeyMaterial() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pme-interop-\(UUID().uuidString).parquet").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try Self.run("""
        import sys; sys.path.insert(0, '\(Vectors.shared.appendingPathComponent("bench").path)')
        import pyarrow as pa, pyarrow.parquet as pq, pme_interop as pi
        t = pa.table({'x': list(range(100)), 'y': [str(i) for i in range(100)]})
        props = pi.crypto_factory().file_encryption_properties(pi.kms_config(), pi.encryption_config(uniform=True))
        with pq.ParquetWriter('\(path)', t.schema, encryption_properties=props) as w: w.write_table(t)
        print('ok')
        """)
        let file = try #require(FileManager.default.contents(atPath: path)).map { $0 }
        // The footer key metadata is the only PKMT1 JSON stored in clear (in FileCryptoMetaData).
        // Found by its first field, not by the first `{"`: ciphertext and nonces before it are
        // random bytes that sometimes hold `{"` (seen in CI).
        let field = try #require(file.firstRange(of: Array(#""keyMaterialType""#.utf8))?.lowerBound)
        let start = try #require(file[..<field].lastIndex(of: UInt8(ascii: "{")))
        let end = try #require(file[start...].firstIndex(of: UInt8(ascii: "}")))
        let metadata = Array(file[start...end])
        let provider = KeyMaterialProvider(keysFile: try KeysFile(json: Array(Self.masterKeysJSON.utf8)))
        let dek = try provider.key(for: metadata, column: nil)
        #expect(try EncryptedFileProbe.decryptFooter(file, key: dek) != nil)
    }

    /// Python unwraps our key material exactly as pme_interop.InteropInMemoryKms / parquet-java do.
    @Test(.enabled(if: available), arguments: [true, false])
    func pythonUnwrapsOurKeyMaterial(doubleWrapping: Bool) throws {
        let provider = KeyMaterialProvider(keysFile: try KeysFile(json: Array(Self.masterKeysJSON.utf8)), doubleWrapping: doubleWrapping)
        let issued = try provider.issueKey(keyID: "k1", column: ["fare_amount"])
        let json = String(decoding: issued.keyMetadata, as: UTF8.self)
        let dek = try Self.run("""
        import sys, json, base64; sys.path.insert(0, '\(Vectors.shared.appendingPathComponent("bench").path)')
        import pme_interop as pi
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        m = json.loads('''\(json)''')
        assert m['keyMaterialType'] == 'PKMT1' and m['internalStorage'] is True and m['isFooterKey'] is False
        kms = pi.InteropInMemoryKms(None)
        if m['doubleWrapping']:
            kek = kms.unwrap_key(m['wrappedKEK'], m['masterKeyID'])
            raw = base64.b64decode(m['wrappedDEK'])
            dek = AESGCM(kek).decrypt(raw[:12], raw[12:], base64.b64decode(m['keyEncryptionKeyID']))
        else:
            dek = kms.unwrap_key(m['wrappedDEK'], m['masterKeyID'])
        print(dek.hex())
        """)
        #expect(dek == issued.key.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() })
    }
}
