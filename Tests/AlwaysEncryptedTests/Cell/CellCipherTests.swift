import AlwaysEncrypted
import Crypto
import _CryptoExtras
import StrongroomCrypto
import Testing

@Suite struct CellCipherTests {
    static let rootKey = hex("ED6FBC93EECDE0BFC6494FFB2EDB7998B7E94EF71FEDE584741A855238F0155E")
    let cipher = try! CellCipher(key: CellKey(rootKeyBytes: rootKey))

    @Test func roundTripsEveryLengthBothModes() throws {
        for length in 0..<70 {
            let plaintext = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            for type in EncryptionType.allCases {
                let cell = try cipher.encrypt(plaintext, type: type)
                #expect(cell.count == CellCipher.cellByteCount(plaintextByteCount: length))
                #expect(cell[0] == 0x01)
                #expect(try cipher.decrypt(cell) == plaintext)
            }
        }
    }

    @Test func deterministicIsStableRandomizedIsNot() throws {
        let plaintext = Array("Salary 100000".utf8)
        #expect(try cipher.encrypt(plaintext, deterministic: true) == cipher.encrypt(plaintext, deterministic: true))
        let a = try cipher.encrypt(plaintext, deterministic: false)
        let b = try cipher.encrypt(plaintext, deterministic: false)
        #expect(a != b)
        #expect(Array(a[33..<49]) != Array(b[33..<49]))
        let det = try cipher.encrypt(plaintext, deterministic: true)
        #expect(Array(det[33..<49]) == cipher.deterministicIV(for: plaintext))
    }

    /// One flipped bit anywhere — version, MAC, IV, ciphertext — is refused.
    @Test func everyBitFlipIsRefused() throws {
        let cell = try cipher.encrypt(Array("val_determ_1 and then some".utf8), deterministic: true)
        for index in cell.indices {
            for bit in 0..<8 {
                var tampered = cell
                tampered[index] ^= 1 << bit
                let error = #expect(throws: AlwaysEncryptedError.self) { try cipher.decrypt(tampered) }
                let expected: AlwaysEncryptedError.Code = index == 0 ? .unsupportedVersion : .authenticationFailed
                #expect(error?.code == expected, "byte \(index) bit \(bit)")
            }
        }
    }

    /// Every prefix, and the cell with bytes appended, is refused without a crash.
    @Test func truncationAndExtensionAreRefused() throws {
        let cell = try cipher.encrypt(Array(repeating: 0x41, count: 40), deterministic: false)
        for length in 0..<cell.count {
            let error = #expect(throws: AlwaysEncryptedError.self) { try cipher.decrypt(Array(cell[..<length])) }
            let allowed: [AlwaysEncryptedError.Code] = [.truncated, .authenticationFailed]
            #expect(error.map { allowed.contains($0.code) } == true, "length \(length)")
            if length < CellCipher.minimumCellByteCount && length > 0 { #expect(error?.code == .truncated) }
        }
        for extra in 1...32 {
            let error = #expect(throws: AlwaysEncryptedError.self) {
                try cipher.decrypt(cell + Array(repeating: 0, count: extra))
            }
            #expect(error?.code == (extra % 16 == 0 ? .authenticationFailed : .truncated))
        }
    }

    @Test func wrongKeyFailsAuthentication() throws {
        let cell = try cipher.encrypt([1, 2, 3], deterministic: true)
        let other = try CellCipher(key: CellKey(rootKeyBytes: Array(repeating: 7, count: 32)))
        let error = #expect(throws: AlwaysEncryptedError.self) { try other.decrypt(cell) }
        #expect(error?.code == .authenticationFailed)
    }

    /// A cell with a valid MAC over ciphertext whose padding is wrong (only a broken writer
    /// can make one) gives `.invalidPadding`, not garbage.
    @Test func badPaddingBehindValidMAC() throws {
        let iv = [UInt8](repeating: 0x24, count: 16)
        let aes = cipher.key.encryptionKey.withUnsafeBytes { SymmetricKey(data: $0) }
        let mac = cipher.key.macKey.withUnsafeBytes { SymmetricKey(data: $0) }
        // Last plaintext byte 0x00 is never valid PKCS#7 padding.
        let block = [UInt8](repeating: 0, count: 16)
        let ciphertext = Array(try AES._CBC.encrypt(block, using: aes, iv: AES._CBC.IV(ivBytes: iv), noPadding: true))
        let tag = Array(HMAC<SHA256>.authenticationCode(for: [0x01] + iv + ciphertext + [0x01], using: mac))
        let cell = [0x01] + tag + iv + ciphertext
        let error = #expect(throws: AlwaysEncryptedError.self) { try cipher.decrypt(cell) }
        #expect(error?.code == .invalidPadding)
    }

    @Test func errorsCarryNoData() throws {
        let plaintext = Array("secret-value-12345".utf8)
        var cell = try cipher.encrypt(plaintext, deterministic: true)
        cell[40] ^= 0xFF
        do {
            _ = try cipher.decrypt(cell)
            Issue.record("tampered cell decrypted")
        } catch {
            let text = String(describing: error)
            #expect(!text.contains(hexString(Array(cell[1..<9]))))
            #expect(!text.contains("secret"))
        }
    }

    @Test func keyAndIVLengthsAreChecked() throws {
        #expect(throws: AlwaysEncryptedError.self) { try CellKey(rootKeyBytes: [UInt8](repeating: 1, count: 16)) }
        let error = #expect(throws: AlwaysEncryptedError.self) { try cipher.encrypt([1], iv: [1, 2, 3]) }
        #expect(error?.code == .invalidKeyLength)
    }
}
