import Foundation
import Synchronization

/// Crossing between the synchronous engine (Parquet's `KMSClient`, the query engine, waitpid)
/// and the async CAS client.
public enum BlockingBridge {
    /// Runs `body` as a detached task and blocks the calling thread until it finishes. Only for
    /// threads outside Swift's cooperative pool and NIO's event loops (the engine's workers, or a
    /// thread from `offload`): blocking a pool thread could starve the task it waits for.
    public static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome<T>()
        Task.detached {
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            outcome.value.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.value.withLock { $0! }.get()
    }

    /// Runs blocking work on a thread of its own and awaits it, so the cooperative pool stays
    /// free for the CAS calls that work makes through `wait`.
    public static func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let thread = Thread {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
            thread.name = "strongroom-blocking"
            // Query and Parquet work recurses through plans; give it a main-thread-sized stack.
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}

/// A result handed from the task to the waiting thread (a class: escaping closures cannot
/// capture a `Mutex` itself).
private final class Outcome<T: Sendable>: Sendable {
    let value = Mutex<Result<T, any Error>?>(nil)
}
