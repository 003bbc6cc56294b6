import CASCore
@testable import CASStorage
import SQLStorage
import Foundation
import Testing

@Suite("SQLiteCASStore")
struct SQLiteCASStoreTests {
    private func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strongroom-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func databaseFilesAreOwnerOnly() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("cas.sqlite").path
        let store = try SQLiteCASStore(path: path)
        try await store.putMeta("check", [1])
        for file in [path, path + "-wal", path + "-shm"] {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
        await store.close()
    }

    @Test func anExistingWorldReadableFileIsTightened() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("cas.sqlite").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o644]))
        let store = try SQLiteCASStore(path: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        await store.close()
    }

    @Test func aFileThatIsNotADatabaseIsRefused() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("cas.sqlite").path
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try SQLiteCASStore(path: path)
        } throws: { error in
            (error as? CASStoreError)?.code == .corrupt
        }
    }

    @Test func aMissingDirectoryIsAnInvalidLocation() throws {
        #expect {
            _ = try SQLiteCASStore(path: "/nonexistent-\(UUID().uuidString)/cas.sqlite")
        } throws: { error in
            (error as? CASStoreError)?.code == .invalidLocation
        }
    }

    @Test func aNewerSchemaIsRefused() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("cas.sqlite").path
        try await SQLiteCASStore(path: path).close()
        let raw = try SQLiteDatabase(path: path)
        try raw.query("UPDATE meta SET value = ? WHERE key = 'schema.version'", [.blob(Array("3".utf8))])
        raw.close()
        #expect {
            _ = try SQLiteCASStore(path: path)
        } throws: { error in
            (error as? CASStoreError)?.code == .unsupportedSchema
        }
    }

    @Test func aCorruptRowNamesItsColumn() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("cas.sqlite").path
        let store = try SQLiteCASStore(path: path)
        try await store.insertPolicyVersion(policyRecord("taxi", 1))
        let raw = try SQLiteDatabase(path: path)
        try raw.query("UPDATE policy_versions SET signatures = 'not json'")
        raw.close()
        let error = await storeError { _ = try await store.policyVersions(name: "taxi") }
        #expect(error?.code == .corrupt)
        #expect(error?.message.contains("policy_versions.signatures") == true)
        await store.close()
    }
}
