import Foundation
import Support
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The structured-concurrency socket pieces the agent and the KMS proxy stand on, over real
/// Unix sockets and pipes.
@Suite struct AsyncSocketTests {
    @Test func aLineIsAssembledAcrossChunksAndCutAtItsLimit() {
        var buffer = LineBuffer(limit: 8)
        #expect(buffer.append(Array("abc".utf8)[...]) == nil)
        #expect(buffer.append(Array("de\nrest".utf8)[...]) == .line(Array("abcde".utf8)))
        var long = LineBuffer(limit: 4)
        #expect(long.append(Array("abcdef".utf8)[...]) == .tooLong)
        var unterminated = LineBuffer(limit: 4)
        #expect(unterminated.append(Array("ab".utf8)[...]) == nil)
        #expect(unterminated.atEnd() == .line(Array("ab".utf8)))
    }

    @Test func readinessWaitsForDataAndEndsAtTheDeadline() async throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let started = ContinuousClock.now
        let timedOut = await #expect(throws: SocketError.self) {
            try await DescriptorReadiness.wait(fds[0], for: .read, deadline: .now + .milliseconds(200))
        }
        #expect(timedOut?.code == .timeout)
        #expect(started.duration(to: .now) >= .milliseconds(150))
        _ = write(fds[1], "x", 1)
        try await DescriptorReadiness.wait(fds[0], for: .read, deadline: .now + .seconds(5))
    }

    @Test func cancellingAWaitEndsIt() async throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let read = fds[0]
        let waiting = Task { try await DescriptorReadiness.wait(read, for: .read) }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }

    @Test func aSignalReleasesEveryWaiterOnceAndLaterWaitersAtOnce() async {
        let signal = ShutdownSignal()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<10 { group.addTask { await signal.wait() } }
            signal.trigger()
            signal.trigger()
        }
        await signal.wait()
        #expect(signal.hasFired)
    }

    /// A listener on a fresh socket that answers each line with `echo:` and the line, served on
    /// the services' thread until the returned signal fires.
    static func echoListener(deadline: Duration) throws -> (path: String, shutdown: ShutdownSignal, serving: Task<Void, Never>) {
        let path = NSTemporaryDirectory() + "/sr-listener-\(UUID().uuidString.prefix(8)).sock"
        let listener = try UnixStreamListener(path: path, mode: 0o600)
        let shutdown = ShutdownSignal()
        let serving = Task(executorPreference: ServiceThread.shared) {
            await listener.serve(until: shutdown, connectionDeadline: deadline) { connection in
                guard let line = try? await connection.readLine(limit: 64) else { return }
                try? await connection.writeAll(Array("echo:".utf8) + line + [10])
            }
        }
        return (path, shutdown, serving)
    }

    /// A listener answers its clients, and a stop returns only after the socket file is gone.
    @Test func aListenerServesUntilShutdownAndRemovesItsSocket() async throws {
        let (path, shutdown, serving) = try Self.echoListener(deadline: .seconds(5))
        let answer = try await Offload.run { () throws -> String in
            let fd = try UnixSocket.connect(path)
            defer { close(fd) }
            UnixSocket.setTimeouts(fd, seconds: 10)
            try UnixSocket.writeAll(fd, Array("hello\n".utf8))
            return String(decoding: try UnixSocket.readLine(fd, limit: 64) ?? [], as: UTF8.self)
        }
        #expect(answer == "echo:hello")
        shutdown.trigger()
        await serving.value
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// With every thread of the cooperative pool blocked (synchronous work elsewhere in the
    /// process), a listener still answers at once: its tasks run on the services' own thread.
    @Test func aListenerAnswersWhileTheCooperativePoolIsBlocked() async throws {
        let (path, shutdown, serving) = try Self.echoListener(deadline: .seconds(10))
        try await Task.sleep(for: .milliseconds(100))  // the listener is accepting
        // The client runs on a thread of its own: it connects once the pool is blocked and
        // times the answer there.
        let client = Task {
            try await Offload.run { () throws -> Double in
                usleep(300_000)
                let started = Date()
                let fd = try UnixSocket.connect(path)
                defer { close(fd) }
                UnixSocket.setTimeouts(fd, seconds: 10)
                try UnixSocket.writeAll(fd, Array("ping\n".utf8))
                _ = try UnixSocket.readLine(fd, limit: 64)
                return Date().timeIntervalSince(started)
            }
        }
        let blockers = (0..<ProcessInfo.processInfo.activeProcessorCount + 1).map { _ in
            Task.detached { usleep(3_000_000) }  // each holds a pool thread for 3 s
        }
        let seconds = try await client.value
        #expect(seconds < 1.5, "answered after \(seconds) s")
        for blocker in blockers { await blocker.value }
        shutdown.trigger()
        await serving.value
    }
}
