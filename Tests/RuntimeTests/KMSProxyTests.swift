import Agent
import Foundation
import Support
import Parquet
import StrongroomCrypto
import Synchronization
import Testing

@testable import Runtime

/// The KMS proxy `strongroom run --kms-proxy` serves to its workload, over a real Unix socket.
@Suite struct KMSProxyTests {
    static let master = try! SecretKey(bytes: Array(repeating: 7, count: 16))
    static let other = try! SecretKey(bytes: Array(repeating: 9, count: 16))

    /// A proxy over local keys "granted" and "other", granting only "granted".
    /// The proxy serves in a task of this process while `body` runs; afterwards it stops
    /// gracefully and its socket is gone.
    func withProxy(_ body: (String) async throws -> Void) async throws {
        let directory = try PrivateDirectory(prefix: "kms-proxy-test")
        defer { directory.remove() }
        let kms = LocalKMS(masterKeys: KeysFile(keys: ["granted": Self.master, "other": Self.other]))
        let server = try KMSProxyServer(socketPath: directory.path + "/kms.sock",
                                        grant: KMSProxyGrant(kms: kms, unwrap: ["granted"], wrap: ["granted"]), clients: .sameUser)
        let shutdown = ShutdownSignal()
        let serving = Task(executorPreference: ServiceThread.shared) { await server.serve(until: shutdown) }
        var info = stat()
        #expect(stat(server.socketPath, &info) == 0 && info.st_mode & 0o777 == 0o600)
        do {
            try await body(server.socketPath)
        } catch {
            shutdown.trigger()
            await serving.value
            throw error
        }
        shutdown.trigger()
        await serving.value
        #expect(!FileManager.default.fileExists(atPath: server.socketPath))
    }

    /// One request line, one response line, as CasKmsClient.java does it (a blocking client,
    /// on a thread of its own, as a workload's would be in its own process).
    func exchange(_ socket: String, _ line: String) async throws -> [String: String] {
        let answer = try await Offload.run { () throws -> [UInt8]? in
            let fd = try UnixSocket.connect(socket)
            defer { close(fd) }
            UnixSocket.setTimeouts(fd, seconds: 30)
            try UnixSocket.writeAll(fd, Array((line + "\n").utf8))
            return try UnixSocket.readLine(fd, limit: 1 << 16)
        }
        let line = try #require(answer)
        return try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: String])
    }

    @Test func wrapsAndUnwrapsWithAGrantedMasterKeyInParquetJavasFormat() async throws {
        try await withProxy { socket in
            let dek = Array(0..<16 as Range<UInt8>)
            let wrapped = try await exchange(socket, #"{"op":"wrap","master_key_id":"granted","key":"\#(Data(dek).base64EncodedString())"}"#)
            let text = try #require(wrapped["wrapped_key"])
            // The proxy's text unwraps locally with the master key: the InMemoryKMS format.
            let local = try LocalKMS(masterKeys: KeysFile(keys: ["granted": Self.master])).unwrapKey(text, masterKeyID: "granted")
            #expect(local.withUnsafeBytes { Array($0) } == dek)
            let unwrapped = try await exchange(socket, #"{"op":"unwrap","master_key_id":"granted","wrapped_key":"\#(text)"}"#)
            #expect(unwrapped["key"] == Data(dek).base64EncodedString())
        }
    }

    @Test func masterKeysThePolicyDoesNotGrantAreRefusedBeforeTheKMS() async throws {
        try await withProxy { socket in
            let wrapped = try LocalKMS(masterKeys: KeysFile(keys: ["other": Self.other]))
                .wrapKey(try SecretKey(bytes: Array(repeating: 1, count: 16)), masterKeyID: "other")
            let answer = try await exchange(socket, #"{"op":"unwrap","master_key_id":"other","wrapped_key":"\#(wrapped)"}"#)
            #expect(answer["key"] == nil)
            #expect(answer["error"] == "the policy does not let this service unwrap with master key other")
            let wrap = try await exchange(socket, #"{"op":"wrap","master_key_id":"other","key":"AAAAAAAAAAAAAAAAAAAAAA=="}"#)
            #expect(wrap["error"] == "the policy does not let this service wrap with master key other")
        }
    }

    @Test(arguments: [
        ("not json", "malformed KMS proxy request"),
        (#"{"op":"delete","master_key_id":"granted"}"#, "unknown KMS proxy operation \"delete\""),
        (#"{"op":"unwrap","master_key_id":"granted"}"#, "unwrap request without wrapped_key"),
        (#"{"op":"wrap","master_key_id":"granted","key":"AAE="}"#, "wrap request: a key of 2 bytes is not an AES key"),
        (#"{"op":"unwrap","master_key_id":"granted","wrapped_key":"AAAA"}"#, "too short"),
    ])
    func badRequestsGetAnErrorAnswerNotACrash(request: String, expected: String) async throws {
        try await withProxy { socket in
            let answer = try await exchange(socket, request)
            let error = try #require(answer["error"])
            #expect(error.contains(expected), "\(error)")
            // And the proxy still serves the next request.
            #expect(try await exchange(socket, #"{"op":"wrap","master_key_id":"granted","key":"AAAAAAAAAAAAAAAAAAAAAA=="}"#)["wrapped_key"] != nil)
        }
    }

    @Test func theLaunchGivesTheChildTheSocketAndRemovesItAfterwards() async throws {
        let kms = LocalKMS(masterKeys: KeysFile(keys: ["granted": Self.master]))
        var launch = AttestedLaunch(
            command: ["sh", "-c", "test -S \"$STRONGROOM_KMS_SOCKET\" && test \"$STRONGROOM_RESULTS_MASTER_KEY\" = granted && echo \"$STRONGROOM_KMS_SOCKET\" >&2 && exit 5"],
            configuration: .init(results: .init(masterKey: "granted", recipients: [])),
            baseEnvironment: ["PATH": "/usr/bin:/bin"],
            kmsProxy: KMSProxyGrant(kms: kms, unwrap: nil, wrap: nil))
        let lines = LinesSeen()
        launch.stderrObserver = { lines.add($0) }
        #expect(try await launch.run() == 5)
        let socket = try #require(lines.all.first)
        #expect(socket.hasSuffix("/kms.sock"))
        #expect(!FileManager.default.fileExists(atPath: socket))
    }

    /// The workload (and a process it starts) may ask; another process of the same user — this
    /// test process — may not, even while the workload runs.
    @Test func onlyTheWorkloadAndItsChildrenMayAsk() async throws {
        let kms = LocalKMS(masterKeys: KeysFile(keys: ["granted": Self.master]))
        let script = NSTemporaryDirectory() + "/kms-client-\(UUID().uuidString).py"
        try #"""
            import os, socket, sys
            s = socket.socket(socket.AF_UNIX)
            s.connect(os.environ["STRONGROOM_KMS_SOCKET"])
            s.sendall(b'{"op":"wrap","master_key_id":"granted","key":"AAAAAAAAAAAAAAAAAAAAAA=="}\n')
            print("child:" + s.recv(4096).decode().strip(), file=sys.stderr)
            """#.write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        var launch = AttestedLaunch(
            command: ["sh", "-c", "python3 \(script) && echo \"socket:$STRONGROOM_KMS_SOCKET\" >&2 && sleep 3"],
            configuration: .init(), baseEnvironment: ["PATH": "/usr/bin:/bin"],
            kmsProxy: KMSProxyGrant(kms: kms, unwrap: nil, wrap: nil))
        let lines = LinesSeen()
        let socketSeen = ShutdownSignal()
        launch.stderrObserver = { line in
            lines.add(line)
            if line.hasPrefix("socket:") { socketSeen.trigger() }
        }
        let running = launch
        let finished = Task {
            defer { socketSeen.trigger() }  // a workload that failed early ends the wait too
            return try await running.run()
        }
        await socketSeen.wait()
        let socket = String(try #require(lines.all.first { $0.hasPrefix("socket:") }).dropFirst("socket:".count))
        let answer = try await exchange(socket, #"{"op":"wrap","master_key_id":"granted","key":"AAAAAAAAAAAAAAAAAAAAAA=="}"#)
        #expect(answer["error"]?.contains("serves only the attested workload") == true, "\(answer)")
        _ = try await finished.value
        #expect(lines.all.contains { $0.hasPrefix("child:") && $0.contains("wrapped_key") }, "\(lines.all)")
    }
}

final class LinesSeen: Sendable {
    private let lines = Mutex<[String]>([])
    func add(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
