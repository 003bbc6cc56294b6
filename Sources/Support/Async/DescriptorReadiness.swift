import Dispatch
import Synchronization

/// Waits until a non-blocking descriptor can be read or written, without holding a thread:
/// the waiting task is suspended and a dispatch source resumes it. Cancelling the task ends
/// the wait with `CancellationError`; passing the deadline ends it with a `.timeout` error.
///
/// The continuation is resumed from the source's cancellation handler, so by the time `wait`
/// returns the source no longer watches the descriptor and the caller may close it.
public enum DescriptorReadiness {
    public enum Direction: Sendable {
        case read, write
    }

    public static func wait(_ fd: Int32, for direction: Direction, deadline: ContinuousClock.Instant? = nil) async throws {
        let waiter = ReadinessWaiter()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                waiter.begin(fd, direction, deadline: deadline, continuation)
            }
        } onCancel: {
            waiter.end(.failure(CancellationError()))
        }
    }
}

private final class ReadinessWaiter: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Void, any Error>?
        var source: WatchingSource?
        /// Set by the first of: readiness, deadline, cancellation.
        var outcome: Result<Void, any Error>?
    }

    /// Serial on purpose: libdispatch gives a serial queue a thread of its own when the others are
    /// busy (overcommit), while a concurrent queue waits for the shared worker threads — which
    /// Swift's cooperative pool uses too, so blocked tasks elsewhere would silence every socket.
    private static let queue = DispatchQueue(label: "strongroom.readiness")
    private let state = Mutex(State())

    func begin(_ fd: Int32, _ direction: DescriptorReadiness.Direction, deadline: ContinuousClock.Instant?,
               _ continuation: CheckedContinuation<Void, any Error>) {
        let source: DispatchSourceProtocol = switch direction {
        case .read: DispatchSource.makeReadSource(fileDescriptor: fd, queue: Self.queue)
        case .write: DispatchSource.makeWriteSource(fileDescriptor: fd, queue: Self.queue)
        }
        source.setEventHandler { [self] in end(.success(())) }
        source.setCancelHandler { [self] in
            let (continuation, outcome) = state.withLock { state in
                defer { state.continuation = nil }
                return (state.continuation, state.outcome)
            }
            continuation?.resume(with: outcome ?? .failure(CancellationError()))
        }
        let cancelledAlready = state.withLock { state -> Bool in
            state.continuation = continuation
            state.source = WatchingSource(source: source)
            return state.outcome != nil
        }
        source.activate()
        if cancelledAlready { source.cancel() }
        if let deadline {
            let seconds = Self.seconds(until: deadline)
            Self.queue.asyncAfter(deadline: .now() + seconds) { [self] in
                end(.failure(SocketError(.timeout, "no progress on the connection before its deadline")))
            }
        }
    }

    /// The first outcome wins; it cancels the source, whose handler resumes the task.
    func end(_ outcome: Result<Void, any Error>) {
        let watching = state.withLock { state -> WatchingSource? in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            return state.source
        }
        watching?.source.cancel()
    }

    private static func seconds(until deadline: ContinuousClock.Instant) -> Double {
        let remaining = ContinuousClock.now.duration(to: deadline).components
        return max(0, Double(remaining.seconds) + Double(remaining.attoseconds) / 1e18)
    }
}

/// Dispatch sources are safe to cancel from any thread; the type just does not say so.
private struct WatchingSource: @unchecked Sendable {
    let source: DispatchSourceProtocol
}
