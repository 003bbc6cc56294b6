import Foundation

/// The one thread that forks workloads. A child is started with PR_SET_PDEATHSIG(SIGKILL) so it
/// cannot outlive `strongroom run`; but Linux sends that signal when the *thread* that forked the
/// child ends, not the process, and Swift's cooperative pool retires idle threads: a Spark master
/// forked from a pool thread was killed (status 137) a while after it started. Every child is
/// therefore forked here, on a thread that lives as long as the process and otherwise sleeps.
final class SpawningThread: @unchecked Sendable {  // `pending` is only touched under `condition`
    static let shared = SpawningThread()

    private let condition = NSCondition()
    private var pending: [@Sendable () -> Void] = []

    private init() {
        let thread = Thread { [unowned self] in loop() }
        thread.name = "strongroom-spawn"
        thread.start()
    }

    /// Runs `body` (a fork) on the spawning thread and returns its result.
    func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            condition.lock()
            pending.append { continuation.resume(returning: Result { () throws(E) in try body() }) }
            condition.signal()
            condition.unlock()
        }
        return try result.get()
    }

    private func loop() {
        while true {
            condition.lock()
            while pending.isEmpty { condition.wait() }
            let job = pending.removeFirst()
            condition.unlock()
            job()
        }
    }
}
