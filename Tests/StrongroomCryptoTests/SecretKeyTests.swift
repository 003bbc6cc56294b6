import Testing
import StrongroomCrypto

@Suite struct SecretKeyTests {
    @Test func validatesLength() throws {
        for n in [16, 24, 32] { #expect(try SecretKey(bytes: [UInt8](repeating: 7, count: n)).byteCount == n) }
        for n in [0, 1, 15, 17, 31, 33, 64] {
            #expect(throws: CryptoError(.invalidKeyLength, "")) { try SecretKey(bytes: [UInt8](repeating: 7, count: n)) }
        }
        #expect(throws: CryptoError(.invalidKeyLength, "")) { try SecretKey.random(bitCount: 100) }
    }

    @Test func descriptionIsRedacted() throws {
        let key = try SecretKey(bytes: Array("0123456789012345".utf8))
        for text in [key.description, key.debugDescription, "\(key)", String(reflecting: key)] {
            #expect(!text.contains("0123"))
            #expect(!text.contains("3031"))
            #expect(text.contains("redacted"))
        }
    }

    @Test func randomKeysDifferAndExposeBytesInScope() throws {
        let a = try SecretKey.random(bitCount: 256)
        let b = try SecretKey.random(bitCount: 256)
        #expect(a.byteCount == 32)
        #expect(!a.hasSameBytes(as: b))
        let copy = try a.withUnsafeBytes { try SecretKey(rawBytes: $0) }
        #expect(copy.hasSameBytes(as: a))
    }

    @Test func constantTimeEquality() {
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(constantTimeEquals([], []))
    }

    @Test func zeroizeClearsArrays() {
        var secret: [UInt8] = [1, 2, 3, 4]
        zeroize(&secret)
        #expect(secret == [0, 0, 0, 0])
    }
}
