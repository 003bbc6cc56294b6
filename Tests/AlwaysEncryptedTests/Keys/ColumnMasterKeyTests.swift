import AlwaysEncrypted
import StrongroomCrypto
import Testing

@Suite struct ColumnMasterKeyTests {
    static let keyPath = "CurrentUser/My/0BE978BA81EED610015FD8B7CAEF55F1614CA3B6"

    func swisscomCMK() throws -> ColumnMasterKey {
        try ColumnMasterKey(privateKeyPEM: AEVectors.text(AEVectors.swisscomPrivateKey), keyPath: Self.keyPath)
    }

    @Test func certificateGivesThumbprintKeyPathAndMatchesKey() throws {
        let cert = try ColumnMasterKey(certificatePEM: AEVectors.text(AEVectors.swisscomCertificate))
        #expect(cert.keyPath == Self.keyPath)
        #expect(!cert.hasPrivateKey)
        #expect(cert.modulusByteCount == 256)
        let both = try ColumnMasterKey(
            privateKeyPEM: AEVectors.text(AEVectors.swisscomPrivateKey),
            certificatePEM: AEVectors.text(AEVectors.swisscomCertificate))
        #expect(both.hasPrivateKey)
        let other = try ColumnMasterKey.generate(keyPath: "k")
        let error = #expect(throws: AlwaysEncryptedError.self) {
            try ColumnMasterKey(
                privateKeyPEM: try #require(other.privateKeyPKCS8PEM()),
                certificatePEM: AEVectors.text(AEVectors.swisscomCertificate))
        }
        #expect(error?.code == .unsuitableMasterKey)
    }

    @Test func wrapUnwrapRoundTripAndLayout() throws {
        let cmk = try swisscomCMK()
        let cek = try SecretKey.random(bitCount: 256)
        let value = try cmk.wrap(cek)
        #expect(value.keyPath == Self.keyPath.lowercased())
        #expect(value.encryptedKey.count == 256 && value.signature.count == 256)
        let blob = try value.serialized()
        #expect(blob.count == 5 + 110 + 256 + 256)
        #expect(Array(blob[0..<5]) == [0x01, 110, 0, 0x00, 0x01])
        #expect(try cmk.unwrap(serialized: blob).hasSameBytes(as: cek))
        // Verified by the certificate alone, as SQL Server clients do.
        let cert = try ColumnMasterKey(certificatePEM: AEVectors.text(AEVectors.swisscomCertificate))
        #expect(cert.hasValidSignature(value))
        #expect(throws: AlwaysEncryptedError.self) { try cert.unwrap(value) }

        let preserved = try cmk.wrap(cek, keyPath: "https://Vault/keys/K", preservingKeyPathCase: true, oaep: .sha256)
        #expect(preserved.keyPath == "https://Vault/keys/K")
        #expect(try cmk.unwrap(preserved, oaep: .sha256).hasSameBytes(as: cek))
        let error = #expect(throws: AlwaysEncryptedError.self) { try cmk.unwrap(preserved, oaep: .sha1) }
        #expect(error?.code == .unwrapFailed)
    }

    /// Any change to what the signature covers, or to the signature, is refused before decryption.
    @Test func tamperedKeyValuesAreRefused() throws {
        let cmk = try swisscomCMK()
        let blob = try AEVectors.bytes(AEVectors.swisscomKeyValue)
        // Flip one bit in each region: header lengths excluded (they change the layout).
        for index in [6, 60, 114, 115, 200, 370, 371, 500, 626] {
            var tampered = blob
            tampered[index] ^= 0x10
            let error = #expect(throws: AlwaysEncryptedError.self) { try cmk.unwrap(serialized: tampered) }
            let allowed: [AlwaysEncryptedError.Code] = [.badSignature, .malformedKeyValue]
            #expect(error.map { allowed.contains($0.code) } == true, "byte \(index)")
        }
        // A value signed by another CMK.
        let stranger = try ColumnMasterKey.generate(keyPath: Self.keyPath)
        let foreign = try stranger.wrap(SecretKey.random(bitCount: 256))
        let error = #expect(throws: AlwaysEncryptedError.self) { try cmk.unwrap(foreign) }
        #expect(error?.code == .badSignature)
    }

    @Test func everyTruncationAndVersionIsRefused() throws {
        let cmk = try swisscomCMK()
        for file in [AEVectors.swisscomKeyValue, "tedious/akv_encrypted_cek_value.bin"] {
            let blob = try AEVectors.bytes(file)
            for length in 0..<blob.count {
                #expect(throws: AlwaysEncryptedError.self) { try cmk.unwrap(serialized: Array(blob[..<length])) }
            }
            var wrongVersion = blob
            wrongVersion[0] = 0x02
            let error = #expect(throws: AlwaysEncryptedError.self) { try ColumnEncryptionKeyValue(serialized: wrongVersion) }
            #expect(error?.code == .unsupportedVersion)
        }
        let odd = #expect(throws: AlwaysEncryptedError.self) {
            try ColumnEncryptionKeyValue(serialized: [0x01, 3, 0, 1, 0, 0x41, 0, 0, 9, 9])
        }
        #expect(odd?.code == .malformedKeyValue)
        let lone = #expect(throws: AlwaysEncryptedError.self) {
            try ColumnEncryptionKeyValue(serialized: [0x01, 2, 0, 1, 0, 0x00, 0xD8, 9, 9])
        }
        #expect(lone?.code == .malformedKeyValue)
    }

    @Test func generatedKeysExportAndReload() throws {
        let cmk = try ColumnMasterKey.generate(keyPath: "strongroom/dev/cmk1")
        let reloaded = try ColumnMasterKey(privateKeyPEM: try #require(cmk.privateKeyPKCS8PEM()), keyPath: cmk.keyPath)
        let cek = try SecretKey.random(bitCount: 256)
        #expect(try reloaded.unwrap(cmk.wrap(cek)).hasSameBytes(as: cek))
        #expect(throws: AlwaysEncryptedError.self) { try ColumnMasterKey.generate(keyPath: "k", bitCount: 1024) }
        #expect(throws: AlwaysEncryptedError.self) { try ColumnMasterKey(privateKeyPEM: "not a key", keyPath: "k") }
        #expect(throws: AlwaysEncryptedError.self) { try ColumnMasterKey(certificatePEM: "not a cert") }
    }
}
