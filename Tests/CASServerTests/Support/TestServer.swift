import AsyncHTTPClient
import CASClient
import CASCore
import CASServer
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import Policy

/// A CAS application on 127.0.0.1, port 0, over TLS with a CA made in a fresh temporary data
/// directory (or plain HTTP), running for the duration of `body`.
struct TestServer {
    let port: Int
    let dataDir: String
    let metrics: CASMetrics
    let handlers: InMemoryCAS
    let logs: LogCapture
    let tls: Bool

    var baseURL: String { "\(tls ? "https" : "http")://127.0.0.1:\(port)" }
    var caFile: String { dataDir + "/" + CASTLSMaterial.caFileName }

    static func temporaryDirectory() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cas-server-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func with<T: Sendable>(
        tls: Bool = true, maxRequestBodyBytes: Int = CASServerConfiguration.defaultMaxRequestBodyBytes,
        metrics: CASMetrics = CASMetrics(),
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        let dataDir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let transport: CASServerConfiguration.Transport =
            tls ? .tls(try CASTLSMaterial.loadOrCreate(dataDir: dataDir, hosts: ["127.0.0.1"])) : .insecureHTTP
        let handlers = InMemoryCAS(owner: OwnerIdentity(name: "alice"), admin: OwnerIdentity(name: "admin"))
        let logs = LogCapture()
        let application = CASApplication(
            configuration: .init(
                host: "127.0.0.1", port: 0, transport: transport, maxRequestBodyBytes: maxRequestBodyBytes),
            handlers: handlers, metrics: metrics, logger: logs.logger()
        )
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = try application.makeApplication(onListening: { port in portSink.yield(port) })
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            return try await body(
                TestServer(
                    port: port, dataDir: dataDir, metrics: metrics, handlers: handlers, logs: logs, tls: tls))
        }
    }

    func client() throws -> CASClient {
        try CASClient(baseURL: baseURL, caFile: tls ? caFile : nil)
    }

    /// Raw HTTP for what CASClient would never send (unknown routes, broken bodies, bad headers).
    func raw(
        _ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, headers: [(String, String)] = []
    ) async throws -> (status: Int, contentType: String?, body: [UInt8]) {
        var configuration = HTTPClient.Configuration()
        if tls {
            var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
            tlsConfiguration.trustRoots = .file(caFile)
            configuration.tlsConfiguration = tlsConfiguration
        }
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            var request = HTTPClientRequest(url: baseURL + path)
            request.method = method
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
            let response = try await http.execute(request, timeout: .seconds(30))
            let bytes = try await response.body.collect(upTo: 1 << 24)
            let result = (
                Int(response.status.code), response.headers.first(name: "Content-Type"), Array(bytes.readableBytesView)
            )
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }
}

/// Runs `body` with a client and always shuts the client down.
func withClient<T>(_ server: TestServer, _ body: (CASClient) async throws -> T) async throws -> T {
    let client = try server.client()
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

func decodeProblem(_ bytes: [UInt8]) throws -> Problem {
    try JSONDecoder().decode(Problem.self, from: Data(bytes))
}
