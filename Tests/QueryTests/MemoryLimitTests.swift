import Foundation
import Query
@testable import QueryKernels
import Testing

@Suite struct MemoryLimitTests {
    @Test(arguments: [("4GB", 4_000_000_000), ("512MiB", 536_870_912), ("2 g", 2_000_000_000), ("100", 100),
                      ("1.5kb", 1_500), ("3TiB", 3_298_534_883_328)])
    func sizesAreReadAsDuckDBReadsThem(text: String, bytes: Int) {
        #expect(MemoryLimit(text)?.bytes == bytes)
    }

    @Test(arguments: ["", "abc", "-1", "0", "4XB", "GB", "1e400"])
    func nonsenseIsRefused(text: String) {
        #expect(MemoryLimit(text) == nil)
    }

    @Test func theDefaultIsAShareOfThisMachinesMemory() {
        let limit = MemoryLimit.default
        #expect(limit.bytes > 0)
        #expect(limit.bytes < MemoryLimit.physicalMemory())
        #expect(limit.origin.contains("80%"))
    }

    /// A cross product four tables deep is 2.56 million rows: under a 2 MB limit its count is
    /// computed probe piece by probe piece, while returning its rows, which cannot spill, stops
    /// with the memory-limit error naming the limit instead of allocating them.
    @Test func aCrossProductOverTheLimitIsCountedOrAnErrorNeverACrash() async throws {
        let (engine, dir) = try QueryEngineTests.engine(memoryLimit: MemoryLimit(bytes: 2_000_000))
        defer { try? FileManager.default.removeItem(at: dir) }
        let counted = try await engine.run("SELECT count(*) FROM t a, t b, t c, t d")
        #expect(QueryEngineTests.int64s(counted, column: 0) == [2_560_000])
        let error = await #expect(throws: QueryError.self) {
            _ = try await engine.run("SELECT a.id, b.id, c.id, d.name FROM t a, t b, t c, t d")
        }
        #expect(error?.code == .memoryLimit)
        #expect(error?.message.contains("--memory-limit of 2.0 MB") == true, "\(error?.message ?? "")")
    }
}
