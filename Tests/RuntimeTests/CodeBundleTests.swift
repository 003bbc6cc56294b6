import Foundation
import Parquet
import StrongroomCrypto
import Testing

@testable import Runtime

/// Code bundles: the archive round trip, the sealed format, and every way a bundle can be bad.
@Suite struct CodeBundleTests {
    static func directory(_ files: [String: String]) throws -> String {
        let root = NSTemporaryDirectory() + "/sr-bundle-\(UUID().uuidString)"
        for (path, text) in files {
            let full = root + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        return root
    }

    static let kms = LocalKMS(masterKeys: KeysFile(keys: ["code": try! SecretKey.random(bitCount: 256)]))

    @Test func sealedCodeUnpacksIdenticallyOnlyWithTheKey() async throws {
        let long = String(repeating: "d", count: 120) + "/" + String(repeating: "e", count: 90) + ".py"
        let source = try Self.directory(["main.py": "print('hi')\n", "lib/util.py": String(repeating: "x = 1\n", count: 500), long: "pass\n"])
        defer { try? FileManager.default.removeItem(atPath: source) }
        chmod(source + "/main.py", 0o755)
        let sealed = try await CodeBundle.seal(directory: source, policy: "p", masterKeyID: "code", kms: Self.kms)
        // The code is not readable in the sealed bytes.
        #expect(!String(decoding: sealed, as: UTF8.self).contains("print('hi')"))
        let bundle = try CodeBundle(bytes: sealed)
        #expect(bundle.policy == "p" && bundle.masterKeyID == "code")
        let target = try Self.directory([:])
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: target) }
        #expect(try await bundle.unpack(into: target, kms: Self.kms) == 5)  // 3 files, 2 directories (lib, ddd…)
        #expect(try String(contentsOfFile: target + "/main.py", encoding: .utf8) == "print('hi')\n")
        #expect(try String(contentsOfFile: target + "/" + long, encoding: .utf8) == "pass\n")
        #expect(FileManager.default.isExecutableFile(atPath: target + "/main.py"))
        // Another key, a flipped byte anywhere: refused, nothing unpacked.
        let other = LocalKMS(masterKeys: KeysFile(keys: ["code": try SecretKey.random(bitCount: 256)]))
        await #expect(throws: (any Error).self) { _ = try await bundle.unpack(into: target + "/x", kms: other) }
        for offset in [10, sealed.count / 2, sealed.count - 1] {
            var flipped = sealed
            flipped[offset] ^= 0x01
            await #expect(throws: (any Error).self) { _ = try await CodeBundle(bytes: flipped).unpack(into: target + "/y", kms: Self.kms) }
        }
        #expect(!FileManager.default.fileExists(atPath: target + "/y/main.py"))
    }

    @Test func truncatedOrForeignFilesAreRefusedClearly() {
        for bytes in [[], Array("SRCB1\n".utf8), Array("PAR1....".utf8), Array("SRCB1\n".utf8) + [0, 1, 0, 0] + Array(repeating: 0, count: 40)] {
            let error = #expect(throws: RuntimeError.self) { _ = try CodeBundle(bytes: bytes) }
            #expect(error?.message.hasPrefix("not a Strongroom code bundle") == true)
        }
    }

    @Test func archivesThatEscapeOrLieAreRefused() throws {
        let source = try Self.directory(["a.py": "ok\n"])
        defer { try? FileManager.default.removeItem(atPath: source) }
        let archive = try Ustar.archive(directory: source)
        #expect(try Ustar.entries(archive).map(\.path) == ["a.py"])
        // A name rewritten to escape (checksum fixed up so only the name is wrong).
        var escaping = archive
        let evil = Array("../a.py".utf8)
        for i in 0..<100 { escaping[i] = i < evil.count ? evil[i] : 0 }
        Self.fixChecksum(&escaping)
        #expect(throws: RuntimeError.self) { _ = try Ustar.entries(escaping) }
        // A flipped header byte: checksum mismatch; a cut archive: no end marker.
        var flipped = archive
        flipped[0] ^= 1
        #expect(throws: RuntimeError.self) { _ = try Ustar.entries(flipped) }
        #expect(throws: RuntimeError.self) { _ = try Ustar.entries(Array(archive.prefix(512 + 100))) }
        // A symbolic link entry.
        var link = archive
        link[156] = UInt8(ascii: "2")
        Self.fixChecksum(&link)
        let error = #expect(throws: RuntimeError.self) { _ = try Ustar.entries(link) }
        #expect(error?.message.contains("not a file or directory") == true)
    }

    static func fixChecksum(_ archive: inout [UInt8]) {
        for i in 148..<156 { archive[i] = UInt8(ascii: " ") }
        let sum = archive[0..<512].reduce(0) { $0 + Int($1) }
        let text = Array(String(sum, radix: 8).utf8)
        let padded = Array(repeating: UInt8(ascii: "0"), count: 6 - text.count) + text + [0, UInt8(ascii: " ")]
        for (i, b) in padded.enumerated() { archive[148 + i] = b }
    }
}

@Suite struct StalePrivateDirectoryTests {
    @Test func directoriesOfDeadProcessesAreSweptAndLiveOnesKept() throws {
        let prefix = "strongroom-test-\(UUID().uuidString.prefix(8))"
        let live = try PrivateDirectory(prefix: prefix)
        try live.write(relativePath: "secret.conf", contents: Array("live".utf8))
        let dead = try PrivateDirectory(prefix: prefix)
        try dead.write(relativePath: "secret.conf", contents: Array("left behind".utf8))
        // A pid that is not running (or whose start time differs): its owner is gone.
        try dead.write(relativePath: PrivateDirectory.ownerFile, contents: Array("999999999 1\n".utf8))
        PrivateDirectory.sweepStale(prefix: prefix)
        #expect(FileManager.default.fileExists(atPath: live.path + "/secret.conf"))
        #expect(!FileManager.default.fileExists(atPath: dead.path))
        live.remove()
    }
}
