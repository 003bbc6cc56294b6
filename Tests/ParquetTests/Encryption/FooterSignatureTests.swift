import Testing
import Parquet
import StrongroomCrypto

@Suite struct FooterSignatureTests {
    @Test func signVerifyAndTamper() throws {
        let key = try SecretKey.random(bitCount: 128)
        let footer: [UInt8] = Array("serialized FileMetaData".utf8)
        let fileAAD: [UInt8] = [1, 2, 3]
        let signature = try FooterSignature.sign(footer: footer, key: key, fileAAD: fileAAD)
        #expect(signature.count == 28)
        try FooterSignature.verify(signedFooter: footer + signature, key: key, fileAAD: fileAAD)
        // The tag is the GCM tag of encrypting the footer with the footer AAD.
        let sealed = try AESGCM.seal(footer, key: key, nonce: Array(signature[..<12]), aad: fileAAD + [0])
        #expect(Array(sealed.suffix(16)) == Array(signature[12...]))
        var tampered = footer + signature
        tampered[2] ^= 1
        #expect(throws: ParquetError(.authentication, "")) { try FooterSignature.verify(signedFooter: tampered, key: key, fileAAD: fileAAD) }
        #expect(throws: ParquetError(.authentication, "")) { try FooterSignature.verify(signedFooter: footer + signature, key: key, fileAAD: [9]) }
        #expect(throws: ParquetError(.authentication, "")) {
            try FooterSignature.verify(signedFooter: footer + signature, key: try SecretKey.random(bitCount: 128), fileAAD: fileAAD)
        }
        #expect(throws: ParquetError(.truncated, "")) { try FooterSignature.verify(signedFooter: Array(signature[..<20]), key: key, fileAAD: fileAAD) }
    }

    /// parquet-testing encrypt_columns_plaintext_footer: footer ‖ nonce ‖ tag ‖ len ‖ PAR1, signed with kf.
    @Test func verifiesParquetTestingPlaintextFooter() throws {
        let file = try EncryptedFileProbe.load("encrypt_columns_plaintext_footer.parquet.encrypted")
        let end = file.count - 8
        let signed = Array(file[(end - EncryptedFileProbe.le32(file, end))..<end])
        let footer = signed[..<(signed.count - 28)]
        let kf = try EncryptedFileProbe.key("0123456789012345")
        let verified = EncryptedFileProbe.binaryCandidates(footer).contains { unique in
            (try? FooterSignature.verify(signedFooter: signed, key: kf, fileAAD: unique)) != nil
        }
        #expect(verified)
        var tampered = signed
        tampered[10] ^= 1
        let forged = EncryptedFileProbe.binaryCandidates(footer).contains { unique in
            (try? FooterSignature.verify(signedFooter: tampered, key: kf, fileAAD: unique)) != nil
        }
        #expect(!forged)
    }
}
