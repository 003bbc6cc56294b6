import Runtime
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Spark's standalone scheduler reports executor exits to the driver, which logs them
/// ("Executor added: app-…/0 on worker-… (host:port)", "Executor app-…/0 removed: Command exited
/// with code 77"). Collected from the driver's stderr so a refusal can be named.
///
/// A refusal ends the job: the standalone master would relaunch the executor forever (a launched
/// executor counts as RUNNING, which resets the master's retry count), and an application whose
/// executor failed the policy must not go on with the others.
public final class ExecutorRefusalWatch: Sendable {
    private struct State {
        var workers: [String: String] = [:]
        var refused: [String] = []
    }
    private let state = Mutex(State())
    private let refusedText = "Command exited with code \(AttestedSparkLaunch.executorRefusedExitCode)"
    private let onFirstRefusal: @Sendable () -> Void

    public init(onFirstRefusal: @escaping @Sendable () -> Void = { WorkloadProcess.signalRunningChild(SIGTERM) }) {
        self.onFirstRefusal = onFirstRefusal
    }

    public func observe(_ line: String) {
        guard line.contains("app-") else { return }
        if let range = line.range(of: "Executor added: ") {
            let parts = line[range.upperBound...].split(separator: " ")
            if parts.count >= 3, parts[1] == "on" {
                // "worker-… (host:port)"; the core count after it says nothing about the refusal.
                let worker = parts.count >= 4 && parts[3].hasPrefix("(") ? "\(parts[2]) \(parts[3])" : String(parts[2])
                state.withLock { $0.workers[String(parts[0])] = worker }
            }
        } else if line.contains(refusedText), let id = Self.executorID(in: line) {
            let first = state.withLock { s -> Bool in
                guard !s.refused.contains(id) else { return false }
                s.refused.append(id)
                return s.refused.count == 1
            }
            if first { onFirstRefusal() }
        }
    }

    /// "executor app-…/0 on worker-… (127.0.0.1:40001)" for each refused executor.
    public var refusals: [String] {
        state.withLock { s in s.refused.map { id in "executor \(id)" + (s.workers[id].map { " on \($0)" } ?? "") } }
    }

    /// The first `app-…/N` token in a line.
    public static func executorID(in line: String) -> String? {
        for word in line.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == "(" || $0 == ")" }) where word.hasPrefix("app-") && word.contains("/") {
            return String(word)
        }
        return nil
    }
}
