@testable import Agent
import Attestation
import Crypto
import Foundation
import Support
import Synchronization
import Testing

/// A real agent on a real Unix socket, asked by this very process: the agent must measure
/// the test executable itself.
@Suite(.serialized) struct NodeAgentTests {
    /// The agent serves in a task of this process; the test's own (blocking) client calls run
    /// on threads of their own (`Offload`), as a workload's would in its own process, so they
    /// never hold the threads the agent's tasks need.
    final class Fixture: Sendable {
        let directory: String
        let socketPath: String
        let nodeKey = NodeKey()
        let agent: NodeAgent
        let serving = Mutex<(shutdown: ShutdownSignal, task: Task<Void, Never>)?>(nil)

        init(debug: Bool = false) throws {
            var template = Array((NSTemporaryDirectory() + "/sr-agent-XXXXXX").utf8CString)
            guard let made = mkdtemp(&template) else { throw AgentError(.socket, "mkdtemp") }
            directory = String(cString: made)
            socketPath = directory + "/run/agent.sock"  // the agent creates run/
            agent = NodeAgent(socketPath: socketPath, nodeKey: nodeKey, debug: debug)
            try start()
        }

        func start() throws {
            let listener = try agent.bind()
            let shutdown = ShutdownSignal()
            let agent = self.agent
            serving.withLock { $0 = (shutdown, Task(executorPreference: ServiceThread.shared) { await agent.serve(listener, until: shutdown) }) }
        }

        /// Graceful shutdown, awaited: the socket file is gone when this returns.
        func stop() async {
            guard let (shutdown, task) = serving.withLock({ $0.take() }) else { return }
            shutdown.trigger()
            await task.value
        }

        deinit {
            serving.withLock { $0?.shutdown.trigger() }
            try? FileManager.default.removeItem(atPath: directory)
        }

        func evidence(_ reportData: [UInt8]) async throws -> Evidence {
            let path = socketPath
            return try await Offload.run { try AgentClient.evidence(reportData: reportData, socketPath: path) }
        }

        /// Reads the agent's challenge, sends raw bytes (CHALLENGE replaced by the challenge) and
        /// returns the raw response line.
        func exchange(_ bytes: [UInt8]) async throws -> String {
            let path = socketPath
            return try await Offload.run { try Self.exchange(bytes, socketPath: path) }
        }

        static func exchange(_ bytes: [UInt8], socketPath: String) throws -> String {
            let fd = try UnixSocket.connect(socketPath)
            defer { close(fd) }
            UnixSocket.setTimeouts(fd, seconds: 10)
            let challengeLine = try UnixSocket.readLine(fd, limit: 1 << 16) ?? []
            let challenge = try AgentProtocol.decodeChallenge(challengeLine)
            let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "CHALLENGE", with: challenge)
            if !bytes.isEmpty { try UnixSocket.writeAll(fd, Array(text.utf8)) }
            shutdown(fd, Int32(SHUT_WR))  // end of request, as a client that gives up would
            let line = try UnixSocket.readLine(fd, limit: 1 << 20) ?? []
            return String(decoding: line, as: UTF8.self)
        }
    }

    static func ownExecutableDigest() throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: "/proc/self/exe"))
        return SHA384.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    @Test func measuresThePeerAndSignsAVerifiableReport() async throws {
        let f = try Fixture()
        let attributes = try FileManager.default.attributesOfItem(atPath: f.socketPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o666)
        let reportData = (0..<64).map { UInt8($0 * 3 & 0xff) }
        let evidence = try await f.evidence(reportData)
        #expect(evidence.kind == .simulated)
        #expect(evidence.report.count == SimulatedReport.byteCount)
        // Freshness is the verifier's tests' subject; here a loaded machine may take a while.
        let claims = try SimulatedVerifier(trusting: [f.nodeKey.publicKey], maxAge: 600).verify(evidence, now: Date())
        #expect(claims.measurement == (try Self.ownExecutableDigest()))
        #expect(claims.reportData == reportData)
        #expect(claims.values["pid"] == String(getpid()))
        #expect(claims.values["node_key_id"] == f.nodeKey.keyID)
        #expect(!claims.debug)
        // A second request hits the measurement cache and must give the same digest.
        let again = try SimulatedVerifier(trusting: [f.nodeKey.publicKey], maxAge: 600)
            .verify(try await f.evidence(reportData), now: Date())
        #expect(again.measurement == claims.measurement)
    }

    @Test func debugAgentMarksReports() async throws {
        let f = try Fixture(debug: true)
        let evidence = try await f.evidence([UInt8](repeating: 1, count: 64))
        #expect(try SimulatedReport.parse(evidence.report).debug)
    }

    @Test func wireFormatIsTheDocumentedOne() async throws {
        let f = try Fixture()
        let request = #"{"report_data": "\#(Data(count: 64).base64EncodedString())", "challenge": "CHALLENGE"}"# + "\n"
        let line = try await f.exchange(Array(request.utf8))
        let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        let evidence = json?["evidence"] as? [String: Any]
        #expect(evidence?["kind"] as? String == "simulated")
        #expect((evidence?["report"] as? String).flatMap { Data(base64Encoded: $0) }?.count == 240)
    }

    @Test func malformedRequestsGetAnErrorLine() async throws {
        let f = try Fixture()
        let cases: [(String, [UInt8])] = [
            ("not JSON", Array("hello\n".utf8)),
            ("wrong field", Array(#"{"data": "AAAA"}"#.utf8) + [10]),
            ("short report data", Array(#"{"report_data": "AAAA"}"#.utf8) + [10]),
            ("not base64", Array(#"{"report_data": "!!!"}"#.utf8) + [10]),
            ("no challenge", Array(#"{"report_data": "\#(Data(count: 64).base64EncodedString())"}"#.utf8) + [10]),
            ("another challenge", Array(#"{"report_data": "\#(Data(count: 64).base64EncodedString())", "challenge": "AAAAAAAAAAAAAAAAAAAAAA=="}"#.utf8) + [10]),
            ("empty", []),
            ("too long", [UInt8](repeating: UInt8(ascii: "a"), count: 70 * 1024) + [10]),
        ]
        for (label, bytes) in cases {
            let line = try await f.exchange(bytes)
            let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
            #expect(json?["error"] != nil, "\(label): \(line)")
            #expect(json?["evidence"] == nil, "\(label)")
        }
        #expect(try await f.exchange(Array("hello\n".utf8)).contains("report_data"))
        // Still serving.
        _ = try await f.evidence([UInt8](repeating: 0, count: 64))
    }

    @Test func stopRemovesTheSocketAndASecondAgentIsRefused() async throws {
        let f = try Fixture()
        let second = NodeAgent(socketPath: f.socketPath, nodeKey: NodeKey())
        let error = #expect(throws: AgentError.self) { try second.bind() }
        #expect(error?.code == .socket)
        await f.stop()
        #expect(!FileManager.default.fileExists(atPath: f.socketPath))
        let refused = await #expect(throws: AgentError.self) {
            try await f.evidence([UInt8](repeating: 0, count: 64))
        }
        #expect(refused?.code == .socket)
        // Restartable on the same path.
        try f.start()
        _ = try await f.evidence([UInt8](repeating: 0, count: 64))
    }

    @Test func clientRefusesWrongReportDataSize() {
        let error = #expect(throws: AgentError.self) { try AgentClient.evidence(reportData: [1], socketPath: "/nonexistent/agent.sock") }
        #expect(error?.code == .malformedMessage)
    }

    @Test func concurrentClientsAreAllServed() async throws {
        let f = try Fixture()
        try await withThrowingTaskGroup(of: Evidence.self) { group in
            for i in 0..<16 {
                group.addTask { try await f.evidence([UInt8](repeating: UInt8(i), count: 64)) }
            }
            var count = 0
            for try await evidence in group {
                #expect(evidence.report.count == 240)
                count += 1
            }
            #expect(count == 16)
        }
    }

    /// Clients that connect and say nothing hold a descriptor each, not a thread: with 300 of
    /// them open (within the agent's connection cap), a real request is still answered at once,
    /// and each silent one is cut off at its deadline with an error line.
    @Test func silentClientsNeitherStallOthersNorStayForever() async throws {
        let f = try Fixture()
        var silent: [Int32] = []
        defer { for fd in silent { close(fd) } }
        for _ in 0..<300 { silent.append(try UnixSocket.connect(f.socketPath)) }
        let started = ContinuousClock.now
        _ = try await f.evidence([UInt8](repeating: 3, count: 64))
        #expect(started.duration(to: .now) < NodeAgent.connectionDeadline)
        let first = try #require(silent.first)
        // Everything the agent sends the silent client before closing: its challenge, then a refusal.
        let received = try await Offload.run { () throws -> String in
            UnixSocket.setTimeouts(first, seconds: 15)
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = chunk.withUnsafeMutableBytes { recv(first, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                bytes += chunk[0..<n]
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        let lines = received.split(separator: "\n")
        #expect(lines.count == 2 && lines[0].contains("challenge") && lines[1].contains("error"), "\(received)")
    }

    /// A graceful stop lets an exchange in progress finish before the socket goes.
    @Test func stoppingLetsAnExchangeInProgressFinish() async throws {
        let f = try Fixture()
        let path = f.socketPath
        let challenged = ShutdownSignal()
        let answer = Task {
            try await Offload.run { () throws -> String in
                let fd = try UnixSocket.connect(path)
                defer { close(fd) }
                UnixSocket.setTimeouts(fd, seconds: 10)
                let challenge = try AgentProtocol.decodeChallenge(try UnixSocket.readLine(fd, limit: 1 << 16) ?? [])
                challenged.trigger()
                usleep(300_000)  // the stop arrives while this client is mid-exchange
                let request = #"{"report_data": "\#(Data(count: 64).base64EncodedString())", "challenge": "\#(challenge)"}"# + "\n"
                try UnixSocket.writeAll(fd, Array(request.utf8))
                return String(decoding: try UnixSocket.readLine(fd, limit: 1 << 20) ?? [], as: UTF8.self)
            }
        }
        await challenged.wait()
        await f.stop()
        #expect(try await answer.value.contains("evidence"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
