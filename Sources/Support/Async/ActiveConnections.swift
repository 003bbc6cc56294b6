import Synchronization

/// How many connections a listener serves at once, and a wait for a free slot.
final class ActiveConnections: Sendable {
    private let limit: Int
    private let count = Mutex(0)
    private let freed = ShutdownSignalPool()

    init(limit: Int) { self.limit = max(1, limit) }

    func open() { count.withLock { $0 += 1 } }

    func close() {
        count.withLock { $0 -= 1 }
        freed.fire()
    }

    func waitForSlot() async throws {
        while count.withLock({ $0 >= limit }) {
            let signal = freed.current()
            if count.withLock({ $0 < limit }) { return }
            await signal.wait()
            try Task.checkCancellation()
        }
    }
}

/// A fresh `ShutdownSignal` per round of waiting: fired (and replaced) whenever a slot frees.
private final class ShutdownSignalPool: Sendable {
    private let signal = Mutex(ShutdownSignal())

    func current() -> ShutdownSignal { signal.withLock { $0 } }

    func fire() {
        let old = signal.withLock { state -> ShutdownSignal in
            defer { state = ShutdownSignal() }
            return state
        }
        old.trigger()
    }
}
