import Dispatch
import Synchronization

/// Runs tasks on a fixed number of threads, each worker pulling the next task (morsel-driven).
/// The first error stops the remaining work and is rethrown.
enum Workers {
    static func run<State>(count tasks: Int, threads: Int, makeState: () throws -> State,
                           _ body: (inout State, Int) throws -> Void) throws -> [State] {
        let workers = max(1, min(threads, tasks))
        let slots = try WorkerSlots((0..<workers).map { _ in try makeState() })
        let next = Atomic<Int>(0)
        let failure = Mutex<(any Error)?>(nil)
        withoutActuallyEscaping(body) { body in
            let work = UnsafeSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                while true {
                    let task = next.add(1, ordering: .relaxed).oldValue
                    if task >= tasks { return }
                    do {
                        try slots.with(worker) { try work.value(&$0, task) }
                    } catch {
                        failure.withLock { if $0 == nil { $0 = error } }
                        next.store(tasks, ordering: .relaxed)
                        return
                    }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return slots.states
    }
}

/// One state per worker in separately addressed memory; slot i is only touched by worker i.
private final class WorkerSlots<State>: @unchecked Sendable {  // each slot is accessed by its own worker alone
    private let slots: UnsafeMutableBufferPointer<State>

    init(_ states: [State]) {
        slots = .allocate(capacity: states.count)
        _ = slots.initialize(from: states)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    var states: [State] { Array(slots) }

    func with(_ i: Int, _ body: (inout State) throws -> Void) rethrows { try body(&slots[i]) }
}

/// The task body is called concurrently; callers only capture thread-safe values.
private struct UnsafeSendable<T>: @unchecked Sendable {  // see Workers.run: bodies touch their worker's state only
    let value: T
    init(_ value: T) { self.value = value }
}
