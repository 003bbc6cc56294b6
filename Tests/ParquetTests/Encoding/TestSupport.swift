import Testing
@testable import Parquet

/// Deterministic generator so failures reproduce (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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
