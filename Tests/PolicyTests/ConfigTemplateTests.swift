import Foundation
import Policy
import Testing

@Suite struct ConfigTemplateTests {
    @Test func insertsUTF8TextAndBase64Otherwise() throws {
        let secrets: [String: [UInt8]] = ["db_password": Array("hunter2 ü".utf8), "key": [0xff, 0x00, 0x80]]
        #expect(try ConfigTemplate.render("password={{secret:db_password}}\n", secrets: secrets) == "password=hunter2 ü\n")
        #expect(try ConfigTemplate.render("k={{secret:key}};p={{secret:db_password}}", secrets: secrets) == "k=/wCA;p=hunter2 ü")
        #expect(try ConfigTemplate.render("no placeholders {{ other }} {x}", secrets: [:]) == "no placeholders {{ other }} {x}")
        #expect(try ConfigTemplate.secretNames(in: "{{secret:a}}{{secret:b.c}}") == ["a", "b.c"])
    }

    @Test func unknownSecretIsAnErrorWithoutValues() {
        let error = #expect(throws: ConfigTemplateError.self) {
            try ConfigTemplate.render("{{secret:missing}} {{secret:known}}", secrets: ["known": Array("topsecret".utf8)])
        }
        #expect(error?.code == .unknownSecret)
        #expect(error?.message.contains("missing") == true)
        #expect(error?.message.contains("topsecret") == false)
    }

    @Test(arguments: ["{{secret}}", "{{secret:}}", "{{secret:a", "{{secret:A}}", "{{secrets:a}}", "x {{secret:a b}}"])
    func malformedPlaceholdersAreErrors(_ text: String) {
        let error = #expect(throws: ConfigTemplateError.self) { try ConfigTemplate.render(text, secrets: ["a": [1]]) }
        #expect(error?.code == .malformedPlaceholder)
    }
}
