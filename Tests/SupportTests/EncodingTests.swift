import Testing

@testable import Support

@Suite struct EncodingTests {
    @Test func base64urlHasOneStrictness() {
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
        #expect(Base64URL.decode("-_8") == [0xfb, 0xff])
        #expect(Base64URL.decode("-_8=") == [0xfb, 0xff])  // correct padding is accepted
        for bad in ["+/8", "-_8==", "-_=8", "-_8 ", "a", "-_8===", "ab=c"] {
            #expect(Base64URL.decode(bad) == nil, "\(bad)")
        }
        #expect(Base64URL.decode("") == [])
    }

    @Test func hexIsLowercaseOutAndEitherCaseIn() {
        #expect(LowercaseHex.encode([0xab, 0x01]) == "ab01")
        #expect(LowercaseHex.decode("AB01") == [0xab, 0x01])
        #expect(LowercaseHex.decode("abc") == nil)
        #expect(LowercaseHex.decode("zz") == nil)
    }
}
