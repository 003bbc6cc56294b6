import Testing
import StrongroomCrypto

/// Test cases 4 and 16 of McGrew & Viega, "The Galois/Counter Mode of Operation" (the NIST GCM
/// submission), also reproduced with python `cryptography`.
private let plaintext = hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39")
private let aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
private let iv = hex("cafebabefacedbaddecaf888")

@Suite struct AESGCMTests {
    @Test func nistAES128TestCase4() throws {
        let key = try SecretKey(bytes: hex("feffe9928665731c6d6a8f9467308308"))
        let sealed = try AESGCM.seal(plaintext, key: key, nonce: iv, aad: aad)
        #expect(hexString(sealed) == "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091" + "5bc94fbc3221a5db94fae95ae7121a47")
        #expect(try AESGCM.open(sealed, key: key, nonce: iv, aad: aad) == plaintext)
    }

    @Test func nistAES256TestCase16() throws {
        let key = try SecretKey(bytes: hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"))
        let sealed = try AESGCM.seal(plaintext, key: key, nonce: iv, aad: aad)
        #expect(hexString(sealed) == "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662" + "76fc6ece0f4e1768cddf8853bb2d551b")
    }

    @Test func nistTestCase1EmptyPlaintext() throws {
        let key = try SecretKey(bytes: [UInt8](repeating: 0, count: 16))
        let sealed = try AESGCM.seal([], key: key, nonce: [UInt8](repeating: 0, count: 12))
        #expect(hexString(sealed) == "58e2fccefa7e3061367f1d57a4e7455a")
        #expect(try AESGCM.open(sealed, key: key, nonce: [UInt8](repeating: 0, count: 12)) == [])
    }

    @Test func tamperedCiphertextTagOrAADIsRejected() throws {
        let key = try SecretKey(bytes: hex("feffe9928665731c6d6a8f9467308308"))
        let sealed = try AESGCM.seal(plaintext, key: key, nonce: iv, aad: aad)
        for index in [0, 30, sealed.count - 1] {
            var bad = sealed
            bad[index] ^= 0x01
            #expect(throws: CryptoError(.authenticationFailed, "")) { try AESGCM.open(bad, key: key, nonce: iv, aad: aad) }
        }
        #expect(throws: CryptoError(.authenticationFailed, "")) { try AESGCM.open(sealed, key: key, nonce: iv, aad: aad + [0]) }
        let other = try SecretKey(bytes: hex("feffe9928665731c6d6a8f9467308309"))
        #expect(throws: CryptoError(.authenticationFailed, "")) { try AESGCM.open(sealed, key: other, nonce: iv, aad: aad) }
    }

    @Test func badParametersThrow() throws {
        let key = try SecretKey.random(bitCount: 128)
        #expect(throws: CryptoError(.invalidParameter, "")) { try AESGCM.seal([1], key: key, nonce: [0, 1, 2]) }
        #expect(throws: CryptoError(.invalidParameter, "")) { try AESGCM.open([1, 2, 3], key: key, nonce: iv) }
    }
}
