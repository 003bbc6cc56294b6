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
    func withProxy(_ body: (String) throws -> Void) throws {
        let directory = try PrivateDirectory(prefix: "kms-proxy-test")
        defer { directory.remove() }
        let kms = LocalKMS(masterKeys: KeysFile(keys: ["granted": Self.master, "other": Self.other]))
        let server = try KMSProxyServer(socketPath: directory.path + "/kms.sock",
                                        grant: KMSProxyGrant(kms: kms, unwrap: ["granted"], wrap: ["granted"]), clients: .sameUser)
        server.start()
        defer { server.stop() }
        var info = stat()
        #expect(stat(server.socketPath, &info) == 0 && info.st_mode & 0o777 == 0o600)
        try body(server.socketPath)
    }

    /// One request line, one response line, as CasKmsClient.java does it.
    func exchange(_ socket: String, _ line: String) throws -> [String: String] {
        let fd = try UnixSocket.connect(socket)
        defer { close(fd) }
        try UnixSocket.writeAll(fd, Array((line + "\n").utf8))
        let answer = try #require(try UnixSocket.readLine(fd, limit: 1 << 16))
        return try #require(try JSONSerialization.jsonObject(with: Data(answer)) as? [String: String])
    }

    @Test func wrapsAndUnwrapsWithAGrantedMasterKeyInParquetJavasFormat() throws {
        try withProxy { socket in
            let dek = Array(0..<16 as Range<UInt8>)
            let wrapped = try exchange(socket, #"{"op":"wrap","master_key_id":"granted","key":"\#(Data(dek).base64EncodedString())"}"#)
            let text = try #require(wrapped["wrapped_key"])
            // The proxy's text unwraps locally with the master key: the InMemoryKMS format.
            let local = try LocalKMS(masterKeys: KeysFile(keys: ["granted": Self.master])).unwrapKey(text, masterKeyID: "granted")
            #expect(local.withUnsafeBytes { Array($0) } == dek)
            let unwrapped = try exchange(socket, #"{"op":"unwrap","master_key_id":"granted","wrapped_key":"\#(text)"}"#)
            #expect(unwrapped["key"] == Data(dek).base64EncodedString())
        }
    }

    @Test func masterKeysThePolicyDoesNotGrantAreRefusedBeforeTheKMS() throws {
        try withProxy { socket in
            let wrapped = try LocalKMS(masterKeys: KeysFile(keys: ["other": Self.other]))
                .wrapKey(try SecretKey(bytes: Array(repeating: 1, count: 16)), masterKeyID: "other")
            let answer = try exchange(socket, #"{"op":"unwrap","master_key_id":"other","wrapped_key":"\#(wrapped)"}"#)
            #expect(answer["key"] == nil)
            #expect(answer["error"] == "the policy does not let this service unwrap with master key other")
            let wrap = try exchange(socket, #"{"op":"wrap","master_key_id":"other","key":"AAAAAAAAAAAAAAAAAAAAAA=="}"#)
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
    func badRequestsGetAnErrorAnswerNotACrash(request: String, expected: String) throws {
        try withProxy { socket in
            let answer = try exchange(socket, request)
            let error = try #require(answer["error"])
            #expect(error.contains(expected), "\(error)")
            // And the proxy still serves the next request.
            #expect(try exchange(socket, #"{"op":"wrap","master_key_id":"granted","key":"AAAAAAAAAAAAAAAAAAAAAA=="}"#)["wrapped_key"] != nil)
        }
    }

    @Test func theLaunchGivesTheChildTheSocketAndRemovesItAfterwards() throws {
        let kms = LocalKMS(masterKeys: KeysFile(keys: ["granted": Self.master]))
        var launch = AttestedLaunch(
            command: ["sh", "-c", "test -S \"$STRONGROOM_KMS_SOCKET\" && test \"$STRONGROOM_RESULTS_MASTER_KEY\" = granted && echo \"$STRONGROOM_KMS_SOCKET\" >&2 && exit 5"],
            configuration: .init(results: .init(masterKey: "granted", recipients: [])),
            baseEnvironment: ["PATH": "/usr/bin:/bin"],
            kmsProxy: KMSProxyGrant(kms: kms, unwrap: nil, wrap: nil))
        let lines = LinesSeen()
        launch.stderrObserver = { lines.add($0) }
        #expect(try launch.run() == 5)
        let socket = try #require(lines.all.first)
        #expect(socket.hasSuffix("/kms.sock"))
        #expect(!FileManager.default.fileExists(atPath: socket))
    }

    /// The workload (and a process it starts) may ask; another process of the same user — this
    /// test process — may not, even while the workload runs.
    @Test func onlyTheWorkloadAndItsChildrenMayAsk() throws {
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
        let socketSeen = DispatchSemaphore(value: 0)
        launch.stderrObserver = { line in
            lines.add(line)
            if line.hasPrefix("socket:") { socketSeen.signal() }
        }
        let running = launch
        let finished = DispatchSemaphore(value: 0)
        Thread { _ = try? running.run(); finished.signal() }.start()
        #expect(socketSeen.wait(timeout: .now() + 30) == .success)
        let socket = String(try #require(lines.all.first { $0.hasPrefix("socket:") }).dropFirst("socket:".count))
        let answer = try exchange(socket, #"{"op":"wrap","master_key_id":"granted","key":"AAAAAAAAAAAAAAAAAAAAAA=="}"#)
        #expect(answer["error"]?.contains("serves only the attested workload") == true, "\(answer)")
        _ = finished.wait(timeout: .now() + 30)
        #expect(lines.all.contains { $0.hasPrefix("child:") && $0.contains("wrapped_key") }, "\(lines.all)")
    }
}

final class LinesSeen: Sendable {
    private let lines = Mutex<[String]>([])
    func add(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
