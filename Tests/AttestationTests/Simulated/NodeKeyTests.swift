import Attestation
import Crypto
import Foundation
import Testing

@Suite struct NodeKeyTests {
    @Test func createsOnceWithMode0600AndReloadsTheSameKey() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/agent/node.key"
        let created = try NodeKey.loadOrCreate(at: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let again = try NodeKey.loadOrCreate(at: path)
        #expect(again.publicKey == created.publicKey)
        #expect(try NodeKey.read(from: path).keyID == created.keyID)
        // File form: private_key and public_key, the public key in ed25519: text.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: String]
        #expect(json?["public_key"] == created.publicKey.text)
        #expect(json?["private_key"].flatMap { Data(base64Encoded: $0) }?.count == 32)
    }

    @Test func keyIDIsHexSHA256OfTheRawPublicKey() {
        let key = NodeKey()
        let expected = SHA256.hash(data: key.publicKey.raw).map { String(format: "%02x", $0) }.joined()
        #expect(key.keyID == expected)
        #expect(key.keyID.count == 64)
    }

    @Test func publicKeyTextRoundTrips() throws {
        let key = NodeKey()
        #expect(try NodePublicKey(text: key.publicKey.text) == key.publicKey)
        #expect(throws: NodeKeyError.self) { try NodePublicKey(text: "ed448:AAAA") }
        #expect(throws: NodeKeyError.self) { try NodePublicKey(text: "ed25519:AAAA") }
        #expect(throws: NodeKeyError.self) { try NodePublicKey(text: "ed25519:not base64!") }
    }

    @Test func fileReadableByOthersIsRefused() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/node.key"
        try NodeKey().write(to: path)
        chmod(path, 0o644)
        let error = #expect(throws: NodeKeyError.self) { try NodeKey.read(from: path) }
        #expect(error?.code == .insecurePermissions)
    }

    @Test func malformedFilesAreRefused() throws {
        let dir = try TemporaryDirectory()
        let cases: [(String, String)] = [
            ("garbage", "not json"),
            ("nokey", #"{"public_key": "ed25519:AAAA"}"#),
            ("badb64", #"{"private_key": "***", "public_key": "x"}"#),
            ("short", #"{"private_key": "AAAA", "public_key": "x"}"#),
            ("mismatch", #"{"private_key": "\#(Data(count: 32).base64EncodedString())", "public_key": "\#(NodeKey().publicKey.text)"}"#),
        ]
        for (name, text) in cases {
            let path = dir.path + "/" + name
            #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]))
            let error = #expect(throws: NodeKeyError.self, "\(name)") { try NodeKey.read(from: path) }
            #expect(error?.code == .malformedKey, "\(name)")
        }
        #expect(throws: NodeKeyError.self) { try NodeKey.read(from: dir.path + "/missing") }
    }

    @Test func signRefusesFieldsOfTheWrongSize() {
        let report = SimulatedReport(measurement: [1, 2, 3], reportData: [UInt8](repeating: 0, count: 64), issuedAt: 1, pid: 1)
        let error = #expect(throws: NodeKeyError.self) { try NodeKey().sign(report) }
        #expect(error?.code == .invalidReport)
    }
}
