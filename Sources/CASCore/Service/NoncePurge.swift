import Foundation
import Synchronization

/// Expired nonces are deleted at most once a minute, piggybacking on challenges, so an
/// abandoned attestation leaves nothing behind for long without a timer task.
final class NoncePurge: Sendable {
    private let last = Mutex<Date>(.distantPast)
    let interval: TimeInterval

    init(interval: TimeInterval = 60) {
        self.interval = interval
    }

    /// True for the one caller that should purge now.
    func isDue(now: Date) -> Bool {
        last.withLock { last in
            guard now.timeIntervalSince(last) >= interval else { return false }
            last = now
            return true
        }
    }
}
