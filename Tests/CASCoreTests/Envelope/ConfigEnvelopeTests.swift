import Crypto
import Foundation
import Testing
@testable import CASCore

@Suite struct ConfigEnvelopeTests {
    let runtimeKey = P256.KeyAgreement.PrivateKey()
    var runtimePublic: [UInt8] { [UInt8](runtimeKey.publicKey.x963Representation) }

    let configuration = ServiceConfiguration(
        environment: ["DB_PASSWORD": "pw", "MODE": "fast"], arguments: ["--verbose", "ü"],
        files: ["conf/app.conf": Array("password=pw\n".utf8)], secrets: ["api_key": [0, 1, 2, 255]],
        unwrap: ["trips-footer", "trips-columns"], wrap: ["results"],
        results: .init(masterKey: "results", recipients: ["alice"]))

    @Test func configurationRoundTrips() throws {
        let envelope = try ConfigEnvelope.seal(configuration, to: runtimePublic)
        #expect(envelope.enc.count == 65)
        #expect(try envelope.openConfiguration(with: runtimeKey) == configuration)
    }

    @Test func configurationJSONHasTheDocumentedShape() throws {
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(configuration)) as? [String: Any]
        #expect((json?["files"] as? [String: String])?["conf/app.conf"] == Data("password=pw\n".utf8).base64EncodedString())
        #expect((json?["secrets"] as? [String: String])?["api_key"] == "AAEC/w==")
        #expect((json?["results"] as? [String: Any])?["master_key"] as? String == "results")
        #expect(Set(json?.keys.map { $0 } ?? []) == ["environment", "arguments", "files", "secrets", "unwrap", "wrap", "results"])
        // Absent members default to empty.
        #expect(try JSONDecoder().decode(ServiceConfiguration.self, from: Data("{}".utf8)) == ServiceConfiguration())
    }

    @Test func wireFormIsBase64EncAndCiphertext() throws {
        let envelope = try ConfigEnvelope.seal([1, 2, 3], to: runtimePublic, info: .givenSecret)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(envelope)) as? [String: String]
        #expect(json?["enc"] == Data(envelope.enc).base64EncodedString())
        #expect(try JSONDecoder().decode(ConfigEnvelope.self, from: JSONEncoder().encode(envelope)) == envelope)
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(ConfigEnvelope.self, from: Data(#"{"enc":"%%","ciphertext":""}"#.utf8))
        }
    }

    @Test func otherKeyOtherInfoOrChangedBytesDoNotOpen() throws {
        let envelope = try ConfigEnvelope.seal(configuration, to: runtimePublic)
        #expect(throws: CASError(.decryptionFailed, "")) { try envelope.openConfiguration(with: P256.KeyAgreement.PrivateKey()) }
        #expect(throws: CASError(.decryptionFailed, "")) { try envelope.open(with: runtimeKey, info: .givenSecret) }
        var changed = envelope
        changed.ciphertext[3] ^= 1
        #expect(throws: CASError(.decryptionFailed, "")) { try changed.openConfiguration(with: runtimeKey) }
        var otherEnc = envelope
        otherEnc.enc = [UInt8](P256.KeyAgreement.PrivateKey().publicKey.x963Representation)
        #expect(throws: CASError(.decryptionFailed, "")) { try otherEnc.openConfiguration(with: runtimeKey) }
        var shortEnc = envelope
        shortEnc.enc = Array(envelope.enc.prefix(33))
        #expect(throws: CASError(.malformedRequest, "")) { try shortEnc.openConfiguration(with: runtimeKey) }
        var offCurve = envelope
        offCurve.enc = [4] + [UInt8](repeating: 1, count: 64)
        #expect(throws: CASError(.decryptionFailed, "")) { try offCurve.openConfiguration(with: runtimeKey) }
    }

    @Test func badRecipientKeysAreRefused() {
        #expect(throws: CASError(.malformedRequest, "")) { try ConfigEnvelope.seal(configuration, to: [4, 1, 2]) }
        #expect(throws: CASError(.malformedRequest, "")) { try ConfigEnvelope.seal(configuration, to: [4] + [UInt8](repeating: 9, count: 64)) }
    }

    @Test func aMalformedConfigurationInsideSaysWhere() throws {
        let envelope = try ConfigEnvelope.seal(Array(#"{"files":{"a":"%%"}}"#.utf8), to: runtimePublic, info: .config)
        do {
            _ = try envelope.openConfiguration(with: runtimeKey)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .malformedRequest)
            #expect(error.message.contains("files[a]"))
        }
    }

    /// pyhpke (an independent RFC 9180 implementation) opens what we seal and seals what we open.
    @Test(.enabled(if: Python.has("pyhpke"))) func interoperatesWithPyhpke() throws {
        let script = """
        import sys
        from pyhpke import AEADId, CipherSuite, KDFId, KEMId, KEMKey
        suite = CipherSuite.new(KEMId.DHKEM_P256_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.AES256_GCM)
        sk = KEMKey.from_pem(sys.argv[1].encode())
        pk = KEMKey.from_pem(sys.argv[2].encode())
        info = b"strongroom-config-v1"
        r = suite.create_recipient_context(bytes.fromhex(sys.argv[3]), sk, info=info)
        print(r.open(bytes.fromhex(sys.argv[4])).decode())
        enc, s = suite.create_sender_context(pk, info=info)
        print(enc.hex())
        print(s.seal(b'{"arguments":["from-python"]}').hex())
        """
        let ours = try ConfigEnvelope.seal(configuration, to: runtimePublic)
        let lines = try Python.run(script, [runtimeKey.pemRepresentation, runtimeKey.publicKey.pemRepresentation,
                                            hex(ours.enc), hex(ours.ciphertext)]).split(separator: "\n").map(String.init)
        try #require(lines.count == 3)
        #expect(try JSONDecoder().decode(ServiceConfiguration.self, from: Data(lines[0].utf8)) == configuration)
        let theirs = ConfigEnvelope(enc: unhex(lines[1]), ciphertext: unhex(lines[2]))
        #expect(try theirs.openConfiguration(with: runtimeKey) == ServiceConfiguration(arguments: ["from-python"]))
    }
}
