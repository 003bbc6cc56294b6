import Testing
import StrongroomCrypto

/// Expected outputs from python `cryptography`: AES-CTR with initial counter block
/// nonce ‖ 00 00 00 01 (Parquet AES_GCM_CTR_V1), nonce = 00 01 … 0b, plaintext[i] = 7i + 3.
@Suite struct AESCTRTests {
    let nonce = [UInt8](0..<12)
    let plaintext = (0..<100).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }

    @Test func aes128MatchesPythonCryptography() throws {
        let key = try SecretKey(bytes: Array("0123456789012345".utf8))
        let out = try AESCTR.apply(plaintext, key: key, nonce: nonce)
        #expect(hexString(out) == "97b738c9e77650ba05e93cf452e99f65d38e9d50b48c730d164c159f39500f0ac8a0b2b2b5eb42820cf805c8a3ebe75deb41a2790895929b201d21e0fc5cd9552943e1d98d8f8ff8b83be1ac6797b8f008b23ed4b3f2e7c2e4012c36716bfb164cac31cd")
        #expect(try AESCTR.apply(out, key: key, nonce: nonce) == plaintext)
    }

    @Test func aes256MatchesPythonCryptography() throws {
        let key = try SecretKey(bytes: Array("01234567890123456789012345678901".utf8))
        let out = try AESCTR.apply(plaintext, key: key, nonce: nonce)
        #expect(hexString(out) == "b13fcf40d24551f88125a690ce46b8a68960933d127fd0f0edd946d27b86c9c874f81c27a0acf6cc33c5014806972f7f3f4bde073a9acd63b6a5013d505ad4e4b36e1ee169ed5aa111dbb47b8e7567e3f6774824c39dab5b929558d228db97f90a5fe69f")
    }

    @Test func counterBlockEndsWithOne() throws {
        let block = try nonce.withUnsafeBytes { try AESCTR.initialCounterBlock(nonce: $0) }
        #expect(block == nonce + [0, 0, 0, 1])
    }

    @Test func emptyInputAndBadNonce() throws {
        let key = try SecretKey.random(bitCount: 192)
        #expect(try AESCTR.apply([], key: key, nonce: nonce) == [])
        #expect(throws: CryptoError(.invalidParameter, "")) { try AESCTR.apply([1], key: key, nonce: [UInt8](repeating: 0, count: 16)) }
    }
}
