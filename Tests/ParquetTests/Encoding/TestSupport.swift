import Testing
@testable import Parquet

/// Runs `body` with the bytes of `array` (tests only; the library takes raw buffers).
func withBytes<R>(_ array: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try array.withUnsafeBytes(body)
}

/// Expects `body` to throw a ParquetError (and, by running at all, not to crash).
func expectParquetError(_ comment: Comment? = nil, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected a ParquetError: \(comment?.rawValue ?? "")")
    } catch is ParquetError {
    } catch {
        Issue.record("unexpected error \(error)")
    }
}

func randomBytes(_ n: Int, _ rng: inout SeededGenerator) -> [UInt8] {
    (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
}
