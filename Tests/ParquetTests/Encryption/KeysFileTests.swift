import Foundation
import Testing
import Parquet
import StrongroomCrypto

@Suite struct KeysFileTests {
    @Test func parsesAndServesExplicitKeyIds() throws {
        let json = #"{ "kf": "MDEyMzQ1Njc4OTAxMjM0NQ==", "kc1":"MTIzNDU2Nzg5MDEyMzQ1MA==" }"#
        let keys = try KeysFile(json: Array(json.utf8))
        #expect(keys.ids == ["kc1", "kf"])
        let provider = ExplicitKeyProvider(keysFile: keys)
        let issued = try provider.issueKey(keyID: "kc1", column: ["double_field"])
        #expect(issued.keyMetadata == Array("kc1".utf8))
        let resolved = try provider.key(for: Array("kf".utf8), column: nil)
        #expect(resolved.withUnsafeBytes { Array($0) } == Array("0123456789012345".utf8))
        #expect(throws: ParquetError(.missingKey, "")) { try provider.key(for: Array("kc9".utf8), column: ["x"]) }
        #expect(throws: ParquetError(.missingKey, "")) { try provider.key(for: [0xFF, 0xFE], column: ["x"]) }
    }

    /// Every error names the id but never the key text or bytes.
    @Test func errorsNameTheIdNotTheKey() throws {
        let secretText = "MDEyMzQ1Njc4OTAx"            // 12 bytes: wrong length
        let cases: [(String, String)] = [
            (#"{"short":"\#(secretText)"}"#, "short"),
            (#"{"badb64":"MDEy*zQ1Njc4OTAxMjM0NQ=="}"#, "badb64"),
            (#"{"num":12345}"#, "num"),
            (#"{"pad":"MDEyMzQ1Njc4OTAxMjM0NQ==="}"#, "pad"),
        ]
        for (json, id) in cases {
            do {
                _ = try KeysFile(json: Array(json.utf8))
                Issue.record("accepted \(id)")
            } catch let error as ParquetError {
                #expect(error.message.contains("\"\(id)\""))
                #expect(!error.message.contains(secretText))
                #expect(!error.message.contains("MDEy"))
                #expect(!error.message.contains("0123"))
                #expect(!error.message.contains("12345"))
            }
        }
        for bad in ["", "[]", "{\"a\":\"x\"", "{\"a\" \"x\"}", "{\"a\":\"x\",}", "{\"a\":\"x\"} x"] {
            #expect(throws: ParquetError.self) { try KeysFile(json: Array(bad.utf8)) }
        }
    }
}
