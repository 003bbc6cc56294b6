import CASCore
@testable import CASStorage
import Foundation
import Testing

@Suite("PostgresCASStore")
struct PostgresCASStoreTests {
    @Test func anUnreachableServerFailsWithinTheTimeout() async throws {
        let started = ContinuousClock.now
        let error = await storeError {
            // Port 1 on loopback: nothing listens there.
            _ = try await PostgresCASStore(url: "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable", logger: quietLogger, connectTimeout: .seconds(3))
        }
        #expect(error?.code == .backend)
        // The bound only proves "gives up instead of retrying forever": the whole suite runs in
        // parallel on 2 cores next to blocking process launches, so a 3 s timeout can be late.
        #expect(ContinuousClock.now - started < .seconds(120))
    }

    @Test func aNewerSchemaIsRefused() async throws {
        let (name, url) = try await PostgresTestServer.shared.createDatabase()
        try await PostgresCASStore(url: url, logger: quietLogger).close()
        try PostgresTestServer.psql(url, "UPDATE meta SET value = convert_to('3', 'UTF8') WHERE key = 'schema.version'")
        let error = await storeError { _ = try await PostgresCASStore(url: url, logger: quietLogger) }
        #expect(error?.code == .unsupportedSchema)
        try await PostgresTestServer.shared.dropDatabase(name)
    }

    @Test func twoStoresMigratingOneDatabaseAtOnceAgree() async throws {
        let (name, url) = try await PostgresTestServer.shared.createDatabase()
        let stores = try await withThrowingTaskGroup(of: PostgresCASStore.self) { group in
            for _ in 0..<3 { group.addTask { try await PostgresCASStore(url: url, logger: quietLogger) } }
            return try await group.reduce(into: [PostgresCASStore]()) { $0.append($1) }
        }
        // Appends from three stores (three pools) still form one chain.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, store) in stores.enumerated() {
                for _ in 0..<20 { group.addTask { try await store.appendAudit(auditBuilder(type: "s\(index)")) } }
            }
            try await group.waitForAll()
        }
        let entries = try await stores[0].auditEntries(from: 1, limit: 100)
        #expect(entries.map(\.seq) == Array(1...60))
        var previous = AuditPosition.genesisHash
        for entry in entries {
            #expect(entry.hash == chainHash(previous, entry.entryJSON))
            previous = entry.hash
        }
        for store in stores { await store.close() }
        try await PostgresTestServer.shared.dropDatabase(name)
    }
}
