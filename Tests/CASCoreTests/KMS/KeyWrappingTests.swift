import Foundation
import StrongroomCrypto
import Testing
@testable import CASCore

@Suite struct KeyWrappingTests {
    let master = try! SecretKey.random(bitCount: 256)

    @Test func wrapsAndUnwraps() throws {
        let dek = try SecretKey.random(bitCount: 128)
        let wrapped = try KeyWrapping.wrap(dek, masterKey: master, masterKeyID: "trips-footer")
        let raw = try #require(Data(base64Encoded: wrapped))
        #expect(raw.count == 12 + 16 + 16)
        #expect(try KeyWrapping.unwrap(wrapped, masterKey: master, masterKeyID: "trips-footer").hasSameBytes(as: dek))
    }

    @Test func refusesOtherIDOtherKeyAndChangedBytes() throws {
        let dek = try SecretKey.random(bitCount: 256)
        let wrapped = try KeyWrapping.wrap(dek, masterKey: master, masterKeyID: "trips-footer")
        #expect(throws: CASError(.unwrapFailed, "")) { try KeyWrapping.unwrap(wrapped, masterKey: master, masterKeyID: "trips-columns") }
        #expect(throws: CASError(.unwrapFailed, "")) {
            try KeyWrapping.unwrap(wrapped, masterKey: SecretKey.random(bitCount: 256), masterKeyID: "trips-footer")
        }
        var raw = [UInt8](Data(base64Encoded: wrapped)!)
        raw[20] ^= 1
        #expect(throws: CASError(.unwrapFailed, "")) {
            try KeyWrapping.unwrap(Data(raw).base64EncodedString(), masterKey: master, masterKeyID: "trips-footer")
        }
    }

    @Test(arguments: ["", "not base64!", "AAAA", Data(count: 28).base64EncodedString()])
    func refusesMalformedWrappedKeys(_ text: String) {
        #expect(throws: CASError(.malformedRequest, "")) { try KeyWrapping.unwrap(text, masterKey: master, masterKeyID: "k") }
    }

    @Test func refusesAPlaintextThatIsNotAnAESKey() throws {
        let nonce = [UInt8](repeating: 7, count: 12)
        let sealed = try AESGCM.seal([1, 2, 3, 4, 5], key: master, nonce: nonce, aad: Array("k".utf8))
        #expect(throws: CASError(.unwrapFailed, "")) {
            try KeyWrapping.unwrap(Data(nonce + sealed).base64EncodedString(), masterKey: master, masterKeyID: "k")
        }
    }

    /// The same wrapping as Tests/interop/pme_kms.py (parquet-java InMemoryKMS format), done by
    /// Python's `cryptography`, in both directions.
    @Test func agreesWithTheInMemoryKMSFormatInPython() throws {
        let masterBytes = master.withUnsafeBytes { [UInt8]($0) }
        let dek = try SecretKey.random(bitCount: 128)
        let dekBytes = dek.withUnsafeBytes { [UInt8]($0) }
        let ours = try KeyWrapping.wrap(dek, masterKey: master, masterKeyID: "trips-föoter")
        let script = """
        import base64, os, sys
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        master, wrapped, mid = bytes.fromhex(sys.argv[1]), sys.argv[2], sys.argv[3]
        raw = base64.b64decode(wrapped)
        print(AESGCM(master).decrypt(raw[:12], raw[12:], mid.encode("utf-8")).hex())
        nonce = os.urandom(12)
        print(base64.b64encode(nonce + AESGCM(master).encrypt(nonce, bytes.fromhex(sys.argv[4]), mid.encode("utf-8"))).decode())
        """
        let lines = try Python.run(script, [hex(masterBytes), ours, "trips-föoter", hex(dekBytes)]).split(separator: "\n")
        try #require(lines.count == 2)
        #expect(String(lines[0]) == hex(dekBytes))
        let theirs = String(lines[1])
        #expect(try KeyWrapping.unwrap(theirs, masterKey: master, masterKeyID: "trips-föoter").hasSameBytes(as: dek))
    }
}
