import Foundation
import StrongroomCrypto
import Testing
@testable import CASCore

@Suite struct CASMasterKeyTests {
    @Test func keyFileIsWrittenOwnerOnlyAndReadsBack() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let key = CASMasterKey.generate()
        let path = dir.file("cas-master.key")
        try key.write(to: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.count == 65 && text.hasSuffix("\n"))
        let read = try CASMasterKey.read(from: path)
        #expect(read.key.hasSameBytes(as: key.key))
    }

    @Test func existingKeyFileIsNotOverwrittenByDefault() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("cas-master.key")
        let first = CASMasterKey.generate()
        try first.write(to: path)
        #expect(throws: CASError(.keyFile, "")) { try CASMasterKey.generate().write(to: path) }
        #expect(try CASMasterKey.read(from: path).key.hasSameBytes(as: first.key))
        let second = CASMasterKey.generate()
        try second.write(to: path, overwrite: true)
        #expect(try CASMasterKey.read(from: path).key.hasSameBytes(as: second.key))
    }

    @Test func readableByOthersIsRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("cas-master.key")
        try CASMasterKey.generate().write(to: path)
        chmod(path, 0o644)
        #expect(throws: CASError(.keyFile, "")) { try CASMasterKey.read(from: path) }
    }

    @Test(arguments: ["", "abc\n", String(repeating: "g", count: 64), String(repeating: "ab", count: 31), String(repeating: "ab", count: 33)])
    func malformedKeyFileIsRefused(_ contents: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("bad.key")
        _ = FileManager.default.createFile(atPath: path, contents: Data(contents.utf8), attributes: [.posixPermissions: 0o600])
        #expect(throws: CASError(.keyFile, "")) { try CASMasterKey.read(from: path) }
    }

    @Test func missingKeyFileIsRefused() {
        #expect(throws: CASError(.keyFile, "")) { try CASMasterKey.read(from: "/nonexistent/cas-master.key") }
    }

    @Test func sharesRecombineIntoTheKey() throws {
        let key = CASMasterKey.generate()
        let shares = try key.split(shareCount: 5, threshold: 3)
        let texts = shares.map(\.text)
        let parsed = try [texts[4], texts[0], texts[2]].map { try ShamirShare(text: $0) }
        #expect(try CASMasterKey.combine(parsed).key.hasSameBytes(as: key.key))
    }
}

@Suite struct SealerTests {
    let master = CASMasterKey.generate()

    @Test func sealedRecordsOpenWithTheirPurposeAndID() throws {
        let sealer = Sealer(masterKey: master)
        let secret = Array("db password value".utf8)
        let sealed = try sealer.seal(secret, purpose: .policySecret, recordID: "taxi/db_password")
        #expect(sealed.count == secret.count + Sealer.overhead)
        #expect(try sealer.open(sealed, purpose: .policySecret, recordID: "taxi/db_password") == secret)
        // Fresh nonce each time.
        #expect(try sealer.seal(secret, purpose: .policySecret, recordID: "taxi/db_password") != sealed)
    }

    @Test func aRecordDoesNotOpenUnderAnotherIDOrPurpose() throws {
        let sealer = Sealer(masterKey: master)
        let sealed = try sealer.seal([1, 2, 3], purpose: .policySecret, recordID: "taxi/a")
        #expect(throws: CASError(.corruptStore, "")) { try sealer.open(sealed, purpose: .policySecret, recordID: "taxi/b") }
        #expect(throws: CASError(.corruptStore, "")) { try sealer.open(sealed, purpose: .masterKey, recordID: "taxi/a") }
    }

    @Test func everyChangedByteIsDetected() throws {
        let sealer = Sealer(masterKey: master)
        let sealed = try sealer.seal(Array("0123456789".utf8), purpose: .masterKey, recordID: "results")
        for i in sealed.indices {
            var tampered = sealed
            tampered[i] ^= 0x01
            #expect(throws: CASError(.corruptStore, "")) { try sealer.open(tampered, purpose: .masterKey, recordID: "results") }
        }
        #expect(throws: CASError(.corruptStore, "")) { try sealer.open(Array(sealed.prefix(27)), purpose: .masterKey, recordID: "results") }
    }

    @Test func keysSealAndOpenIntoZeroingStorage() throws {
        let sealer = Sealer(masterKey: master)
        let key = try SecretKey.random(bitCount: 256)
        let sealed = try sealer.sealKey(key, purpose: .masterKey, recordID: "trips-footer")
        #expect(try sealer.openKey(sealed, purpose: .masterKey, recordID: "trips-footer").hasSameBytes(as: key))
        let notAKey = try sealer.seal([1, 2, 3], purpose: .masterKey, recordID: "x")
        #expect(throws: CASError(.corruptStore, "")) { try sealer.openKey(notAKey, purpose: .masterKey, recordID: "x") }
    }

    @Test func checkValueTellsAWrongMasterKey() throws {
        let check = try Sealer(masterKey: master).makeCheckValue()
        try Sealer(masterKey: master).verifyCheckValue(check)
        #expect(throws: CASError(.wrongMasterKey, "")) { try Sealer(masterKey: CASMasterKey.generate()).verifyCheckValue(check) }
        var corrupt = check
        corrupt[corrupt.count - 1] ^= 0x80
        #expect(throws: CASError(.wrongMasterKey, "")) { try Sealer(masterKey: master).verifyCheckValue(corrupt) }
    }

    @Test func sharesFromAnotherSplitGiveAKeyTheCheckValueRefuses() throws {
        let check = try Sealer(masterKey: master).makeCheckValue()
        let mine = try master.split(shareCount: 3, threshold: 2)
        let foreign = try CASMasterKey.generate().split(shareCount: 3, threshold: 2)
        let mixed = try CASMasterKey.combine([mine[0], foreign[1]])
        #expect(throws: CASError(.wrongMasterKey, "")) { try Sealer(masterKey: mixed).verifyCheckValue(check) }
        try Sealer(masterKey: CASMasterKey.combine([mine[2], mine[0]])).verifyCheckValue(check)
    }

    @Test func purposeKeysFollowTheDocumentedDerivation() throws {
        // Recompute in Python (cryptography's HKDF + AESGCM): HKDF-SHA256(master, salt none,
        // info "strongroom-seal-v1 <purpose>"), AAD purpose "\n" record id.
        let masterBytes = master.key.withUnsafeBytes { [UInt8]($0) }
        let sealed = try Sealer(masterKey: master).seal(Array("hello".utf8), purpose: .policySecret, recordID: "p/s")
        let script = """
        import sys
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        master, sealed = bytes.fromhex(sys.argv[1]), bytes.fromhex(sys.argv[2])
        key = HKDF(hashes.SHA256(), 32, None, b"strongroom-seal-v1 policy-secret").derive(master)
        print(AESGCM(key).decrypt(sealed[:12], sealed[12:], b"policy-secret\\np/s").decode())
        """
        #expect(try Python.run(script, [hex(masterBytes), hex(sealed)]) == "hello")
    }
}
