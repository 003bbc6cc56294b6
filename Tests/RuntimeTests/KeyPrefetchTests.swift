import Attestation
import Columnar
import Foundation
import Parquet
import Query
import Runtime
import Session
import StrongroomCrypto
import Testing

/// A query's Parquet keys come from CAS before the engine starts (issue 14: no thread of the
/// engine waits on CAS): after the prefetch, the attested session's HTTP client is shut down,
/// and the query still reads the encrypted file.
@Suite struct KeyPrefetchTests {
    @Test func anEncryptedFileIsReadWithKeysFetchedBeforeTheQuery() async throws {
        try await CASFixture.with { cas in
            try await cas.applyPolicy()
            let attested = try await cas.attestation(service: "self").attest(client: try cas.client(), jobHash: ReportDataBinding.noJobHash)
            let kms = attested.kmsClient()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sr-prefetch-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }

            // The file: ids 0..<12, written under master key "data" with a KEK wrapped ahead.
            let plain = directory + "/plain.parquet"
            let schema = Schema([Field("id", .int64)])
            let writer = try ParquetFileWriter(path: plain, schema: schema)
            try writer.write(RecordBatch(schema: schema, columns: [Column(type: .int64, values: .int64(Array(0..<12)))]))
            try writer.close()
            var source = QuerySession(threads: 1)
            source.register("plain", plain)
            let result = try await source.run("SELECT id FROM plain")
            let issuer = KeyMaterialProvider(kms: kms, doubleWrapping: true)
            try await issuer.prepareKeyEncryptionKey(for: "data")
            let encrypted = directory + "/data.parquet.encrypted"
            try ResultFile.write(result, to: encrypted, encryption: ResultEncryption(issuer: issuer, masterKey: "data"))

            var session = QuerySession(keys: .cas(kms), threads: 2)
            session.register("t", encrypted)
            let prefetched = await KeyPrefetch.unwrapKeys(for: session, through: kms)
            #expect(prefetched.fetchedCount == 1)  // footer and column keys share one KEK: one request
            session.keys = .cas(kms, prefetched: prefetched)
            await attested.shutdown()  // from here on, a CAS call would fail

            let rows = try await session.run("SELECT id FROM t ORDER BY id")
            let values = rows.batches.flatMap { batch -> [Int64] in
                if case .int64(let v) = batch.columns[0].values { return v } else { return [] }
            }
            #expect(values == Array(0..<12))
        }
    }

    @Test func aKeyNobodyFetchedIsRefusedNotWaitedFor() throws {
        let kms = PrefetchedKMS()
        #expect(throws: RuntimeError.self) { _ = try kms.unwrapKey("AAAA", masterKeyID: "data") }
        #expect(throws: RuntimeError.self) { _ = try kms.wrapKey(try SecretKey.random(bitCount: 128), masterKeyID: "data") }
    }
}
