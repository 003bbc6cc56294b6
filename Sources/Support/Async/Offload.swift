import Foundation

/// Runs blocking or long CPU work (the query engine, measuring an executable, waitpid-free
/// process bookkeeping) on a thread of its own and awaits it, so Swift's cooperative pool — two
/// threads on a two-core node — stays free for the I/O that work's neighbours wait on.
public enum Offload {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let thread = Thread {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
            thread.name = "strongroom-offload"
            // Query and Parquet work recurses through plans; give it a main-thread-sized stack.
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
