import CASClient
import CASCore
import CASServer
import Foundation
import Policy
import Testing

/// A whole CAS built from one configuration value (what `strongroom cas serve` does): real
/// SQLite store, TLS material made in the data directory, real HTTPS on loopback.
@Suite struct CASInstanceTests {
    @Test func startsSealedWithoutAKeyAndServesOverTLS() async throws {
        let dataDir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let configuration = CASInstanceConfiguration(dataDirectory: dataDir, host: "127.0.0.1", port: 0)
        let instance = try await CASInstance.make(configuration)
        #expect(instance.isSealed)
        let ready = try await Self.whileServing(instance) { client in try await client.isReady() }
        #expect(ready == false)  // up, but sealed: /healthz says 503
        #expect(FileManager.default.fileExists(atPath: dataDir + "/" + CASTLSMaterial.caFileName))
    }

    @Test func unsealsFromTheMasterKeyFileItNames() async throws {
        let dataDir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        var configuration = CASInstanceConfiguration(dataDirectory: dataDir, host: "127.0.0.1", port: 0)
        let masterKey = CASMasterKey.generate()
        try masterKey.write(to: configuration.defaultMasterKeyFile)
        let store = try await configuration.openStore()
        _ = try await CASKeyring.initialize(
            store, masterKey: masterKey, administrator: OwnerIdentity(name: "admin").publicKey)
        await store.close()

        configuration.unseal = .masterKeyFile(configuration.defaultMasterKeyFile)
        let instance = try await CASInstance.make(configuration)
        #expect(!instance.isSealed)
        let ready = try await Self.whileServing(instance) { client in try await client.isReady() }
        #expect(ready)
    }

    @Test func aWrongMasterKeyIsRefusedAndNothingIsServed() async throws {
        let dataDir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        var configuration = CASInstanceConfiguration(dataDirectory: dataDir, host: "127.0.0.1", port: 0)
        let store = try await configuration.openStore()
        _ = try await CASKeyring.initialize(
            store, masterKey: CASMasterKey.generate(), administrator: OwnerIdentity(name: "admin").publicKey)
        await store.close()
        try CASMasterKey.generate().write(to: dataDir + "/other.key")
        configuration.unseal = .masterKeyFile(dataDir + "/other.key")
        await #expect(throws: (any Error).self) { _ = try await CASInstance.make(configuration) }
    }

    @Test func plainHTTPOffLoopbackIsRefusedBeforeAnythingOpens() async throws {
        let dataDir = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let configuration = CASInstanceConfiguration(
            dataDirectory: dataDir, host: "0.0.0.0", port: 0, insecureHTTP: true)
        await #expect(throws: CASServerError(.insecureListen, "")) { _ = try await CASInstance.make(configuration) }
        #expect(!FileManager.default.fileExists(atPath: configuration.sqlitePath))
    }

    /// Runs the instance until `body` has talked to it over HTTPS.
    static func whileServing<T: Sendable>(
        _ instance: CASInstance, _ body: @escaping @Sendable (CASClient) async throws -> T
    ) async throws -> T {
        let (ports, sink) = AsyncStream.makeStream(of: Int.self)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await instance.run { _, port in sink.yield(port) }
                return nil
            }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            let client = try CASClient(
                baseURL: "https://127.0.0.1:\(port)",
                caFile: instance.configuration.dataDirectory + "/" + CASTLSMaterial.caFileName)
            return try await client.using(body)
        }
    }
}
