import Foundation
import Testing
@testable import CASCore

@Suite struct CanonicalJSONTests {
    @Test func sortsKeysAtEveryDepthWithoutWhitespace() {
        let value: JSONValue = ["b": 1, "a": ["z": true, "y": nil, "x": [3, "s", ["k": -7]]], "A": "upper"]
        #expect(CanonicalJSON.string(value) == #"{"A":"upper","a":{"x":[3,"s",{"k":-7}],"y":null,"z":true},"b":1}"#)
    }

    @Test func keysSortByUTF8Bytes() {
        // "é" (C3 A9) sorts after "z" (7A) and "~" (7E); "Z" (5A) before "a" (61). Swift's `<`
        // would put "é" before "z".
        let value: JSONValue = ["é": 1, "z": 2, "~": 3, "Z": 4, "a": 5]
        #expect(CanonicalJSON.string(value) == "{\"Z\":4,\"a\":5,\"z\":2,\"~\":3,\"é\":1}")
    }

    @Test func keysKeepTheirBytes() throws {
        // A decomposed key (e + U+0301) is written as it was given, not normalised.
        let text = CanonicalJSON.encode(["e\u{301}": 1])
        #expect(text == [0x7b, 0x22, 0x65, 0xcc, 0x81, 0x22, 0x3a, 0x31, 0x7d])
        #expect(CanonicalJSON.encode(try JSONDecoder().decode(JSONValue.self, from: Data(text))) == text)
    }

    @Test func escapesOnlyWhatJSONRequires() {
        let value: JSONValue = .string("q\"b\\n\n t\t r\r \u{08}\u{0c} nul\u{0} us\u{1f} del\u{7f} / ü 🔐 \u{2028}")
        let expected = "\"q\\\"b\\\\n\\n t\\t r\\r \\b\\f nul\\u0000 us\\u001f del\u{7f} / ü 🔐 \u{2028}\""
        #expect(CanonicalJSON.string(value) == expected)
    }

    @Test func integersArePlainDecimal() {
        #expect(CanonicalJSON.string([0, -1, 9_223_372_036_854_775_807, -9_223_372_036_854_775_808]) ==
                "[0,-1,9223372036854775807,-9223372036854775808]")
    }

    @Test func canonicalTextReadsBackToTheSameValue() throws {
        let value: JSONValue = ["nested": ["deep": ["list": [1, 2, ["x": "ü\n"]]]], "flag": false, "none": nil]
        let text = CanonicalJSON.encode(value)
        let back = try JSONDecoder().decode(JSONValue.self, from: Data(text))
        #expect(back == value)
        #expect(CanonicalJSON.encode(back) == text)
        // Whitespace and key order in the input do not change the canonical form.
        let loose = try JSONDecoder().decode(JSONValue.self, from: Data(" { \"none\" : null, \"flag\":false,\n\"nested\":{\"deep\":{\"list\":[1,2,{\"x\":\"\\u00fc\\n\"}]}} } ".utf8))
        #expect(CanonicalJSON.encode(loose) == text)
    }

    @Test func integralExponentFormsReadAsIntegers() throws {
        #expect(CanonicalJSON.string(try JSONDecoder().decode(JSONValue.self, from: Data("[1e3]".utf8))) == "[1000]")
    }

    @Test(arguments: ["1.5", "1e-3", "[0.1]", "{\"a\":18446744073709551616}"])
    func nonIntegerNumbersAreRefused(_ text: String) {
        #expect(throws: (any Error).self) { try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }
    }

    @Test func booleansStayBooleans() throws {
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data("[true,1,0,false]".utf8)) == [true, 1, 0, false])
    }
}
