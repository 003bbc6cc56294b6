import CStrongroomProcess
import Foundation
import Support
import Synchronization

/// Runs the attested workload's command as a child and waits for it. The parent stays alive
/// so it can remove the private directory afterwards; SIGINT/SIGTERM/SIGHUP are passed on to
/// the child so Ctrl-C and Kubernetes' termination reach the workload.
public struct WorkloadProcess: Sendable {
    public var command: String
    public var arguments: [String]
    public var environment: [String: String]
    /// When set, the child's stderr goes through a pipe: every line is copied to our stderr and
    /// handed to this observer (`strongroom spark submit` reads Spark's executor events from it).
    public var stderrObserver: (@Sendable (String) -> Void)?
    /// The executable to start (absolute); nil: `command` resolved on the environment's PATH.
    public var executable: String?
    /// The child's working directory; nil: ours.
    public var workingDirectory: String?
    /// Called with the child's pid as soon as it started.
    public var onStart: (@Sendable (Int32) -> Void)?

    public init(command: String, arguments: [String], environment: [String: String]) {
        self.command = command
        self.arguments = arguments
        self.environment = environment
    }

    /// The child's exit status, or 128 + signal number when a signal ended it (as shells report).
    /// Awaits the child's end without holding a thread (a pidfd); its stderr, when observed, is
    /// relayed by a task alongside. Cancelling the waiting task sends the child SIGTERM and still
    /// waits for it to end: a workload is never left running unobserved.
    public func run() async throws(RuntimeError) -> Int32 {
        guard let executable = self.executable ?? Self.resolve(command, path: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin") else {
            throw RuntimeError(.launch, "command not found: \(command)")
        }
        // A handler (not SIG_IGN, which a child would inherit through exec) that passes the
        // signal on to the running child.
        let forwarded: [Int32] = [SIGINT, SIGTERM, SIGHUP]
        var previous: [Int32: sigaction] = [:]
        for signalNumber in forwarded {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signalNumber in
                let child = WorkloadProcess.runningChild.load(ordering: .relaxed)
                if child > 0 { kill(child, signalNumber) }
            }
            var old = sigaction()
            sigaction(signalNumber, &action, &old)
            previous[signalNumber] = old
        }
        defer {
            WorkloadProcess.runningChild.store(0, ordering: .relaxed)
            for (signalNumber, old) in previous {
                var restore = old
                sigaction(signalNumber, &restore, nil)
            }
        }
        let relay = try stderrObserver.map { observer throws(RuntimeError) in try StderrRelay(observer: observer) }
        let pid: pid_t
        do {
            let process = self
            let stderrPipe = relay?.writeEnd
            // Forked on the services' thread, which lives as long as the process: PR_SET_PDEATHSIG
            // follows the forking thread, and Swift's cooperative pool retires idle threads (a
            // child forked from one was killed about 5 s later). Named as running (signals
            // forwarded, `onStart` told) right after the fork, on that thread: the child may
            // connect to a KMS proxy before this task runs again.
            pid = try await withTaskExecutorPreference(ServiceThread.shared) { () async throws(RuntimeError) -> pid_t in
                let pid = try process.spawn(executable, stderrPipe: stderrPipe)
                WorkloadProcess.runningChild.store(pid, ordering: .releasing)
                process.onStart?(pid)
                return pid
            }
        } catch {
            relay?.closeBothEnds()
            throw error
        }
        relay?.closeWriteEnd()
        guard let relay else { return try await Self.exitStatus(of: pid, command: command) }
        let command = self.command
        return try await withTaskGroup(of: Void.self) { group -> Result<Int32, RuntimeError> in
            group.addTask { await relay.pump() }
            let status: Result<Int32, RuntimeError>
            do throws(RuntimeError) {
                status = .success(try await Self.exitStatus(of: pid, command: command))
            } catch {
                status = .failure(error)
            }
            // A grandchild may keep the pipe open: drain for 2 s at most after the child ended.
            group.addTask { try? await Task.sleep(for: .seconds(2)) }
            _ = await group.next()
            group.cancelAll()
            await group.waitForAll()
            relay.closeReadEnd()
            return status
        }.get()
    }

    /// Waits for `pid` to end (pidfd readiness, then waitpid for its status).
    static func exitStatus(of pid: pid_t, command: String) async throws(RuntimeError) -> Int32 {
        let pidfd = strongroom_pidfd_open(pid)
        guard pidfd >= 0 else { throw RuntimeError(.launch, "cannot watch \(command) (pidfd_open: \(String(cString: strerror(-pidfd))))") }
        defer { close(pidfd) }
        do {
            try await DescriptorReadiness.wait(pidfd, for: .read)
        } catch {
            // Cancelled: end the workload, then wait for it outside the cancelled task.
            kill(pid, SIGTERM)
            await Task.detached { try? await DescriptorReadiness.wait(pidfd, for: .read) }.value
        }
        // waitpid ourselves: Foundation.Process misreports a child that dies of a signal right
        // after starting (seen here: exit 0 for `sh -c 'kill -TERM $$'`).
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw RuntimeError(.launch, "cannot wait for \(command)") }
        }
        let signalled = status & 0x7f
        return signalled == 0 ? (status >> 8) & 0xff : 128 + signalled
    }

    private func spawn(_ executable: String, stderrPipe: Int32?) throws(RuntimeError) -> pid_t {
        let argv = ([command] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        // The child starts with no blocked signals and default dispositions, whatever the
        // spawning thread had (a blocked SIGTERM would otherwise make the workload unkillable),
        // and dies with this process (PR_SET_PDEATHSIG): a killed `strongroom run` leaves no
        // workload holding its secrets.
        let pid = executable.withCString { path in
            if let workingDirectory {
                return workingDirectory.withCString { strongroom_spawn(path, argv, envp, $0, stderrPipe ?? -1) }
            }
            return strongroom_spawn(path, argv, envp, nil, stderrPipe ?? -1)
        }
        guard pid > 0 else {
            throw RuntimeError(.launch, "cannot start \(command): \(String(cString: strerror(-pid)))")
        }
        return pid
    }

    /// The pid signals are forwarded to; one workload per `strongroom run` process.
    static let runningChild = Atomic<Int32>(0)

    /// Sends `signal` to the running workload, if any (a launcher ending a job it must not finish).
    public static func signalRunningChild(_ signal: Int32) {
        let child = runningChild.load(ordering: .relaxed)
        if child > 0 { kill(child, signal) }
    }

    /// `command` as given when it contains a slash, else the first executable match on PATH.
    static func resolve(_ command: String, path: String) -> String? {
        if command.contains("/") { return access(command, X_OK) == 0 ? command : nil }
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = directory + "/" + command
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
