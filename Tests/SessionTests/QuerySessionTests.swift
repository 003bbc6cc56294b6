import Columnar
import EncryptedTables
import Foundation
import Parquet
import Query
import Session
import Testing

/// A query session as a program (the CLI, the benchmarks, the Python package) uses it: real
/// Parquet files, a real SQLite file, keys from a keys file.
@Suite struct QuerySessionTests {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sr-session-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// id 0..<rows, city "c<id % 3>".
    func writeTrips(rows: Int) throws -> String {
        let path = directory + "/trips.parquet"
        let schema = Schema([Field("id", .int64), Field("city", .string)])
        let writer = try ParquetFileWriter(path: path, schema: schema)
        var cities = ByteArrays()
        for id in 0..<rows { cities.append(Array("c\(id % 3)".utf8)) }
        try writer.write(RecordBatch(schema: schema, columns: [
            Column(type: .int64, values: .int64((0..<rows).map(Int64.init))), Column(type: .string, values: .bytes(cities)),
        ]))
        try writer.close()
        return path
    }

    static func int64s(_ result: QueryEngine.Result, column: Int) -> [Int64] {
        result.batches.flatMap { batch -> [Int64] in
            guard case .int64(let values) = batch.columns[column].values else { return [] }
            return values
        }
    }

    @Test func joinsAParquetFileWithTheSQLiteTableItWrote() async throws {
        var session = QuerySession(threads: 2)
        try session.register(specs: ["trips=" + (try writeTrips(rows: 30))])
        let counts = try await session.run("SELECT city, count(*) AS n FROM trips GROUP BY city ORDER BY city")
        let table = try TableLocation("sqlite://\(directory)/out.db?table=city_counts")
        #expect(try await session.write(counts, toTable: table) == 3)

        session.register("counts", "sqlite://\(directory)/out.db?table=city_counts")
        let joined = try await session.run(
            "SELECT t.id, c.n FROM trips t JOIN counts c ON t.city = c.city WHERE t.id < 3 ORDER BY t.id")
        #expect(Self.int64s(joined, column: 0) == [0, 1, 2])  // one trip per city …
        #expect(Self.int64s(joined, column: 1) == [10, 10, 10])  // … and 10 trips in each
        #expect(try await session.explain("SELECT count(*) FROM trips").contains("trips"))
    }

    @Test func anEncryptedResultReadsBackWithTheKeysAndOnlyWithThem() async throws {
        let keys = try KeysFile(json: Array(#"{"kf":"MDEyMzQ1Njc4OTAxMjM0NQ=="}"#.utf8))
        var session = QuerySession(threads: 2)
        session.register("trips", try writeTrips(rows: 20))
        let result = try await session.run("SELECT id FROM trips WHERE city = 'c1' ORDER BY id")
        let output = directory + "/result.parquet.encrypted"
        let written = try ResultFile.write(
            result, to: output,
            encryption: ResultEncryption(issuer: KeyMaterialProvider(keysFile: keys, doubleWrapping: true), masterKey: "kf"))
        #expect(written == 7)

        var reader = QuerySession(keys: .keysFile(keys), threads: 1)
        reader.register("r", output)
        #expect(Self.int64s(try await reader.run("SELECT id FROM r ORDER BY id"), column: 0) == [1, 4, 7, 10, 13, 16, 19])

        var keyless = QuerySession(threads: 1)
        keyless.register("r", output)
        await #expect(throws: (any Error).self) { _ = try await keyless.run("SELECT id FROM r") }
    }

    @Test func aTableSpecWithoutANameIsRefused() {
        var session = QuerySession(threads: 1)
        #expect(throws: (any Error).self) { try session.register(specs: ["no-equals-sign"]) }
    }
}
