import Columnar
import Foundation
import Parquet
import Query
import QueryKernels
import SQLParser
import Testing

@Suite("query engine")
struct QueryEngineTests {
    /// Two files of `id` 0..<40 (int64) and `grp` ("g" + id % 3), 10-row row groups.
    static func engine(threads: Int = 2, memoryLimit: MemoryLimit? = nil) throws -> (QueryEngine, URL) {
        let dir = try ParquetTableTests.temporaryDirectory()
        let paths = try ParquetTableTests.writeFiles(2, rows: 20, rowGroupRows: 10, in: dir)
        var catalog = Catalog()
        catalog.register("t", try Catalog.open(name: "t", path: dir.path) { _ in ParquetReadOptions() })
        _ = paths
        return (QueryEngine(catalog: catalog, threads: threads, memoryLimit: memoryLimit), dir)
    }

    static func int64s(_ result: QueryEngine.Result, column: Int) -> [Int64?] {
        result.batches.flatMap { batch -> [Int64?] in
            let c = batch.columns[column]
            guard case .int64(let v) = c.values else { return [] }
            return (0..<batch.rowCount).map { c.isNull($0) ? nil : v[$0] }
        }
    }

    @Test func aggregatesAcrossMorselsAndThreads() async throws {
        for threads in [1, 2, 4] {
            let (engine, dir) = try Self.engine(threads: threads)
            defer { try? FileManager.default.removeItem(at: dir) }
            let result = try await engine.run("SELECT count(*), min(id), max(id) FROM t WHERE id >= 5")
            #expect(Self.int64s(result, column: 0) == [35])
            #expect(Self.int64s(result, column: 1) == [5])
            #expect(Self.int64s(result, column: 2) == [39])
        }
    }

    @Test func orderByAndLimitAreExact() async throws {
        let (engine, dir) = try Self.engine()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try await engine.run("SELECT id FROM t WHERE id % 7 = 0 ORDER BY id DESC LIMIT 3 OFFSET 1")
        #expect(Self.int64s(result, column: 0) == [28, 21, 14])
    }

    /// Row groups whose statistics exclude the predicate are skipped, and the answer is unchanged.
    @Test func rowGroupPruning() async throws {
        let (engine, dir) = try Self.engine()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = try engine.explain("SELECT count(*) FROM t WHERE id > 33")
        #expect(plan.contains("prune row groups"))
        #expect(Self.int64s(try await engine.run("SELECT count(*) FROM t WHERE id > 33"), column: 0) == [6])
        #expect(Self.int64s(try await engine.run("SELECT count(*) FROM t WHERE 33 < id"), column: 0) == [6])
    }

    /// count(*) without a filter reads no column data: the scan projects no columns.
    @Test func countStarScansNoColumns() async throws {
        let (engine, dir) = try Self.engine()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try engine.explain("SELECT count(*) FROM t").contains("Scan t []"))
        #expect(Self.int64s(try await engine.run("SELECT count(*) FROM t"), column: 0) == [40])
    }

    @Test func errorsNameWhatAndWhere() async throws {
        let (engine, dir) = try Self.engine()
        defer { try? FileManager.default.removeItem(at: dir) }
        let syntax = await #expect(throws: SQLSyntaxError.self) { _ = try await engine.run("SELECT id FORM t") }
        #expect(syntax?.location.column == 11)
        let column = await #expect(throws: BindError.self) { _ = try await engine.run("SELECT nope FROM t") }
        #expect(column?.code == .unknownColumn && column?.location?.column == 8)
        let table = await #expect(throws: BindError.self) { _ = try await engine.run("SELECT 1 FROM missing") }
        #expect(table?.code == .unknownTable)
        let grouping = await #expect(throws: BindError.self) { _ = try await engine.run("SELECT id, count(*) FROM t") }
        #expect(grouping?.message.contains("GROUP BY") == true)
    }

    @Test func memoryLimitIsAnErrorNotAKill() async throws {
        let (engine, dir) = try Self.engine(memoryLimit: MemoryLimit(bytes: 64))
        defer { try? FileManager.default.removeItem(at: dir) }
        // Rows collected for the result cannot spill: the limit is an error naming it.
        let error = await #expect(throws: QueryError.self) { _ = try await engine.run("SELECT id, name FROM t") }
        #expect(error?.code == .memoryLimit)
        #expect(error?.message.contains("--memory-limit") == true)
        // A sort spills instead, and its answer is the in-memory one.
        let (unlimited, dir2) = try Self.engine()
        defer { try? FileManager.default.removeItem(at: dir2) }
        let sql = "SELECT id, name FROM t ORDER BY name DESC, id"
        #expect(Self.int64s(try await engine.run(sql), column: 0) == Self.int64s(try await unlimited.run(sql), column: 0))
    }

    @Test func caseInsensitiveNamesAndCTEs() async throws {
        let (engine, dir) = try Self.engine()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try await engine.run("WITH x AS (SELECT ID AS k FROM T WHERE Id < 3) SELECT sum(k) FROM x")
        #expect(result.hugeIntColumns == [0])
        guard case .fixed(16, let bytes) = result.batches[0].columns[0].values else {
            Issue.record("sum of integers is a 16-byte decimal"); return
        }
        #expect(bytes.last == 3)
    }

    /// Planning runs nothing: uncorrelated subqueries are init plans, so `explain` of a query
    /// whose subqueries would fail succeeds, and only running it meets the failures.
    @Test func explainRunsNoSubquery() async throws {
        let (engine, dir) = try Self.engine()
        defer { try? FileManager.default.removeItem(at: dir) }
        let scalar = "SELECT id FROM t WHERE id > (SELECT id FROM t)"
        let plan = try engine.explain(scalar)
        #expect(plan.contains("InitPlan $0") && plan.contains("$0"))
        let tooMany = await #expect(throws: QueryError.self) { _ = try await engine.run(scalar) }
        #expect(tooMany?.message.contains("more than one row") == true)

        let failing = "SELECT count(*) FROM t WHERE EXISTS (SELECT 1 FROM t WHERE CAST(name AS BIGINT) > 0)"
        _ = try engine.explain(failing)
        await #expect(throws: QueryError.self) { _ = try await engine.run(failing) }

        // The values reach the body: NULL from an empty subquery, a NOT IN shape, a count.
        #expect(Self.int64s(try await engine.run("SELECT count(*) FROM t WHERE id > (SELECT max(id) - 3 FROM t)"), column: 0) == [3])
        #expect(Self.int64s(try await engine.run("SELECT count(*) FROM t WHERE id < (SELECT id FROM t WHERE id < 0)"), column: 0) == [0])
        #expect(Self.int64s(try await engine.run("SELECT count(*) FROM t WHERE id NOT IN (SELECT id FROM t WHERE id >= 2)"), column: 0) == [2])
        #expect(Self.int64s(try await engine.run("SELECT count(*) FROM t WHERE id NOT IN (SELECT id FROM t WHERE id < 0)"), column: 0) == [40])
        #expect(Self.int64s(try await engine.run("SELECT count(*) FROM t WHERE NOT EXISTS (SELECT 1 FROM t WHERE id > 100)"), column: 0) == [40])
    }
}
