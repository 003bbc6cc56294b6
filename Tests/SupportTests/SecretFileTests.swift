import Foundation
import Testing

@testable import Support

@Suite struct SecretFileTests {
    func directory() throws -> String {
        let path = NSTemporaryDirectory() + "/sr-secret-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func mode(_ path: String) -> mode_t {
        var info = stat()
        _ = lstat(path, &info)
        return info.st_mode & 0o777
    }

    @Test func createsWithTheModeWritesWholeAndZeroesTheBytes() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var bytes = Array(repeating: UInt8(0x41), count: 3 << 20)
        try SecretFile.write(&bytes, to: dir + "/key")
        #expect(mode(dir + "/key") == 0o600)
        #expect(FileManager.default.contents(atPath: dir + "/key")?.count == 3 << 20)
        #expect(bytes.allSatisfy { $0 == 0 })
    }

    @Test func anExistingFileIsKeptOrReplacedAndNarrowed() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/key"
        FileManager.default.createFile(atPath: path, contents: Data("old".utf8), attributes: [.posixPermissions: 0o644])
        var first = Array("new".utf8)
        let refused = #expect(throws: SecretFile.Failure.self) { try SecretFile.write(&first, to: path, existing: .fail) }
        #expect(refused?.exists == true)
        #expect(first == [0, 0, 0])  // zeroed even when refused
        #expect(FileManager.default.contents(atPath: path) == Data("old".utf8))
        var second = Array("new".utf8)
        try SecretFile.write(&second, to: path, existing: .replace)
        #expect(FileManager.default.contents(atPath: path) == Data("new".utf8))
        #expect(mode(path) == 0o600)
    }

    @Test func aSymbolicLinkIsNeverFollowed() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        FileManager.default.createFile(atPath: dir + "/target", contents: Data("keep".utf8))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/target")
        var bytes = Array("secret".utf8)
        #expect(throws: SecretFile.Failure.self) { try SecretFile.write(&bytes, to: dir + "/link", existing: .replace) }
        #expect(FileManager.default.contents(atPath: dir + "/target") == Data("keep".utf8))
    }
}
