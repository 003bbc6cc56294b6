@testable import Agent
import Attestation
import Crypto
import Foundation
import Support
import Testing

/// A real agent on a real Unix socket, asked by this very process: the agent must measure
/// the test executable itself.
@Suite(.serialized) struct NodeAgentTests {
    final class Fixture {
        let directory: String
        let socketPath: String
        let nodeKey = NodeKey()
        let agent: NodeAgent

        init(debug: Bool = false) throws {
            var template = Array((NSTemporaryDirectory() + "/sr-agent-XXXXXX").utf8CString)
            guard let made = mkdtemp(&template) else { throw AgentError(.socket, "mkdtemp") }
            directory = String(cString: made)
            socketPath = directory + "/run/agent.sock"  // the agent creates run/
            agent = NodeAgent(socketPath: socketPath, nodeKey: nodeKey, debug: debug)
            try agent.start()
        }

        deinit {
            agent.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }

        /// Reads the agent's challenge, sends raw bytes (CHALLENGE replaced by the challenge) and
        /// returns the raw response line.
        func exchange(_ bytes: [UInt8]) throws -> String {
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

    @Test func measuresThePeerAndSignsAVerifiableReport() throws {
        let f = try Fixture()
        let attributes = try FileManager.default.attributesOfItem(atPath: f.socketPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o666)
        let reportData = (0..<64).map { UInt8($0 * 3 & 0xff) }
        let evidence = try AgentClient.evidence(reportData: reportData, socketPath: f.socketPath)
        #expect(evidence.kind == .simulated)
        #expect(evidence.report.count == SimulatedReport.byteCount)
        let claims = try SimulatedVerifier(trusting: [f.nodeKey.publicKey], maxAge: 60).verify(evidence, now: Date())
        #expect(claims.measurement == (try Self.ownExecutableDigest()))
        #expect(claims.reportData == reportData)
        #expect(claims.values["pid"] == String(getpid()))
        #expect(claims.values["node_key_id"] == f.nodeKey.keyID)
        #expect(!claims.debug)
        // A second request hits the measurement cache and must give the same digest.
        let again = try SimulatedVerifier(trusting: [f.nodeKey.publicKey], maxAge: 60)
            .verify(try AgentClient.evidence(reportData: reportData, socketPath: f.socketPath), now: Date())
        #expect(again.measurement == claims.measurement)
    }

    @Test func debugAgentMarksReports() throws {
        let f = try Fixture(debug: true)
        let evidence = try AgentClient.evidence(reportData: [UInt8](repeating: 1, count: 64), socketPath: f.socketPath)
        #expect(try SimulatedReport.parse(evidence.report).debug)
    }

    @Test func wireFormatIsTheDocumentedOne() throws {
        let f = try Fixture()
        let request = #"{"report_data": "\#(Data(count: 64).base64EncodedString())", "challenge": "CHALLENGE"}"# + "\n"
        let line = try f.exchange(Array(request.utf8))
        let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        let evidence = json?["evidence"] as? [String: Any]
        #expect(evidence?["kind"] as? String == "simulated")
        #expect((evidence?["report"] as? String).flatMap { Data(base64Encoded: $0) }?.count == 240)
    }

    @Test func malformedRequestsGetAnErrorLine() throws {
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
            let line = try f.exchange(bytes)
            let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
            #expect(json?["error"] != nil, "\(label): \(line)")
            #expect(json?["evidence"] == nil, "\(label)")
        }
        #expect(try f.exchange(Array("hello\n".utf8)).contains("report_data"))
        // Still serving.
        _ = try AgentClient.evidence(reportData: [UInt8](repeating: 0, count: 64), socketPath: f.socketPath)
    }

    @Test func stopRemovesTheSocketAndASecondAgentIsRefused() throws {
        let f = try Fixture()
        let second = NodeAgent(socketPath: f.socketPath, nodeKey: NodeKey())
        let error = #expect(throws: AgentError.self) { try second.start() }
        #expect(error?.code == .socket)
        f.agent.stop()
        #expect(!FileManager.default.fileExists(atPath: f.socketPath))
        let refused = #expect(throws: AgentError.self) {
            try AgentClient.evidence(reportData: [UInt8](repeating: 0, count: 64), socketPath: f.socketPath)
        }
        #expect(refused?.code == .socket)
        // Restartable on the same path.
        try f.agent.start()
        _ = try AgentClient.evidence(reportData: [UInt8](repeating: 0, count: 64), socketPath: f.socketPath)
    }

    @Test func clientRefusesWrongReportDataSize() {
        let error = #expect(throws: AgentError.self) { try AgentClient.evidence(reportData: [1], socketPath: "/nonexistent/agent.sock") }
        #expect(error?.code == .malformedMessage)
    }

    @Test func concurrentClientsAreAllServed() async throws {
        let f = try Fixture()
        let path = f.socketPath
        try await withThrowingTaskGroup(of: Evidence.self) { group in
            for i in 0..<16 {
                group.addTask { try AgentClient.evidence(reportData: [UInt8](repeating: UInt8(i), count: 64), socketPath: path) }
            }
            var count = 0
            for try await evidence in group {
                #expect(evidence.report.count == 240)
                count += 1
            }
            #expect(count == 16)
        }
    }
}
