import AlwaysEncrypted
import StrongroomCrypto
import Testing

/// Every case of AE_VECTORS.json, dispatched on the fields it carries. A case no check
/// recognises fails, so new upstream cases cannot be skipped silently.
@Suite struct VectorTests {
    @Test(arguments: try AEVectors.cases())
    func vector(_ vector: AEVectors.Case) throws {
        var checked = 0

        if let expectEnc = vector.expect_encryption_key, let root = vector.cek_root_key {
            let key = try CellKey(rootKeyBytes: hex(root))
            #expect(bytes(key.encryptionKey) == hex(expectEnc))
            #expect(bytes(key.macKey) == hex(try #require(vector.expect_mac_key)))
            #expect(bytes(key.ivKey) == hex(try #require(vector.expect_iv_key)))
            checked += 1
        }

        if let expected = vector.expect_ciphertext_hex, let root = vector.cek_root_key {
            let cipher = try CellCipher(key: CellKey(rootKeyBytes: hex(root)))
            let plaintext = hex(try #require(vector.plaintext_hex))
            switch vector.encryption_type {
            case "Deterministic":
                #expect(try cipher.encrypt(plaintext, deterministic: true) == hex(expected))
                #expect(try cipher.encrypt(plaintext, type: .deterministic) == hex(expected))
            case "Randomized":
                #expect(try cipher.encrypt(plaintext, iv: hex(try #require(vector.iv_hex))) == hex(expected))
                // Our own randomized cells differ from the vector's yet round-trip.
                let ours = try cipher.encrypt(plaintext, deterministic: false)
                #expect(ours != hex(expected))
                #expect(try cipher.decrypt(ours) == plaintext)
            default:
                Issue.record("unknown encryption_type in \(vector.id)")
            }
            #expect(try cipher.decrypt(hex(expected)) == plaintext)
            checked += 1
        }

        if let expectPlain = vector.expect_plaintext_hex, let cellHex = vector.ciphertext_hex, let root = vector.cek_root_key {
            let key = try CellKey(rootKeyBytes: hex(root))
            let cipher = CellCipher(key: key)
            let cell = hex(cellHex)
            if let file = vector.ciphertext_file { #expect(try AEVectors.bytes(file) == cell) }
            if let derived = vector.derived_keys {
                #expect(bytes(key.encryptionKey) == hex(derived.encryption_key))
                #expect(bytes(key.macKey) == hex(derived.mac_key))
                #expect(bytes(key.ivKey) == hex(derived.iv_key))
            }
            let plaintext = try cipher.decrypt(cell)
            #expect(plaintext == hex(expectPlain))
            // Re-encrypting with the cell's IV reproduces SQL Server's bytes exactly.
            #expect(try cipher.encrypt(plaintext, iv: Array(cell[33..<49])) == cell)
            // The cell was written with randomized encryption: its IV is not the derived one.
            #expect(cipher.deterministicIV(for: plaintext) != Array(cell[33..<49]))
            checked += 1
        }

        if let file = vector.encrypted_cek_file {
            let blob = try AEVectors.bytes(file)
            let value = try ColumnEncryptionKeyValue(serialized: blob)
            #expect(Int(value.version) == vector.expect_version)
            #expect(value.keyPath == vector.expect_key_path)
            #expect(value.encryptedKey.count == vector.expect_rsa_ciphertext_len)
            #expect(value.signature.count == vector.expect_signature_len)
            if let total = vector.expect_total_len { #expect(blob.count == total) }
            #expect(try value.serialized() == blob)

            if let keyFile = vector.cmk_private_key_pkcs8_pem {
                let cmk = try ColumnMasterKey(privateKeyPEM: AEVectors.text(keyFile), keyPath: try #require(vector.expect_key_path))
                if let certFile = vector.cmk_certificate_pem {
                    let verifier = try ColumnMasterKey(certificatePEM: AEVectors.text(certFile))
                    #expect(verifier.hasValidSignature(value) == vector.expect_signature_valid)
                    #expect(verifier.keyPath.lowercased() == value.keyPath)
                }
                #expect(cmk.hasValidSignature(value) == vector.expect_signature_valid)
                let cek = try cmk.unwrap(value)
                #expect(bytes(cek) == hex(try #require(vector.expect_cek_root_key)))
            }
            checked += 1
        }

        if let expectation = vector.expect, expectation.hasPrefix("reject"), let cellHex = vector.ciphertext_hex,
            let root = vector.cek_root_key
        {
            let cipher = try CellCipher(key: CellKey(rootKeyBytes: hex(root)))
            let error = #expect(throws: AlwaysEncryptedError.self) { try cipher.decrypt(hex(cellHex)) }
            let refusals: [AlwaysEncryptedError.Code] = [.unsupportedVersion, .truncated, .authenticationFailed]
            #expect(error.map { refusals.contains($0.code) } == true, "\(vector.id): \(String(describing: error))")
            checked += 1
        }

        #expect(checked > 0, "no check recognises case \(vector.id)")
    }

    /// The whole SQL Server chain: CMK private key → signed CEK value → cell written by SQL Server.
    @Test func cmkToCell() throws {
        let cmk = try ColumnMasterKey(
            privateKeyPEM: AEVectors.text(AEVectors.swisscomPrivateKey),
            certificatePEM: AEVectors.text(AEVectors.swisscomCertificate))
        let cek = try cmk.unwrap(serialized: AEVectors.bytes(AEVectors.swisscomKeyValue))
        let cipher = try CellCipher(rootKey: cek)
        let plaintext = try cipher.decrypt(AEVectors.bytes(AEVectors.swisscomCell))
        #expect(try SQLServerValue(normalized: plaintext, as: .nchar(length: 10)) == .string("12345     "))
        #expect(try SQLServerValue.string("12345").normalized(as: .nchar(length: 10)) == plaintext)
    }
}

func bytes(_ key: SecretKey) -> [UInt8] {
    key.withUnsafeBytes { Array($0) }
}
