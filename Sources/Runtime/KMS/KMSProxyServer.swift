import Agent
import Foundation
import StrongroomCrypto
import Support
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What a workload may do through the proxy: the KMS behind it (CAS with the attested session's
/// token, or local development keys) and the master key ids the policy grants. CAS enforces the
/// grants again; checking here keeps refused ids from even reaching it.
public struct KMSProxyGrant: Sendable {
    public var kms: any KeyProvider
    /// nil: any id (development keys).
    public var unwrap: Set<String>?
    public var wrap: Set<String>?

    public init(kms: any KeyProvider, unwrap: Set<String>?, wrap: Set<String>?) {
        self.kms = kms
        self.unwrap = unwrap
        self.wrap = wrap
    }
}

/// Who may ask a KMS proxy: only the workload it was started for (the process and its
/// descendants — another process of the same user is refused), or, for tests and tools, any
/// process of this user.
public enum KMSProxyClients: Sendable {
    case workload
    case sameUser

    /// Whether `pid` is `root` or descends from it (its parent chain through /proc reaches `root`).
    static func descends(_ pid: Int32, from root: Int32) -> Bool {
        var current = pid
        for _ in 0..<64 {
            if current == root { return true }
            guard current > 1, let parent = parentPid(current) else { return false }
            current = parent
        }
        return false
    }

    static func parentPid(_ pid: Int32) -> Int32? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else {
            return nil
        }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }
}

/// The attested parent's KMS for its child (issue 7): a Unix socket in the workload's private
/// directory (0700, socket 0600; only the workload and its descendants, issue 13) answering wrap/unwrap requests
/// (`KMSProxyProtocol`) through the parent's KMS. The token stays in the parent; the child only
/// ever sees data keys (or KEKs), which it needs to read the files anyway.
///
/// Served on structured concurrency (`UnixStreamListener`): each request awaits the KMS (CAS)
/// without holding a thread, a client has 60 s for its exchange, and `serve` returns only after
/// the requests in progress were answered.
public final class KMSProxyServer: Sendable {
    public static let socketVariable = "STRONGROOM_KMS_SOCKET"
    public static let socketName = "kms.sock"
    static let connectionDeadline = Duration.seconds(60)

    public var socketPath: String { listener.path }
    private let grant: KMSProxyGrant
    private let clients: KMSProxyClients
    /// The workload's pid once it started (0 before): its process tree may ask.
    private let workload = Atomic<Int32>(0)
    private let listener: UnixStreamListener

    /// Binds and listens; `serve` answers.
    public init(socketPath: String, grant: KMSProxyGrant, clients: KMSProxyClients = .workload) throws(RuntimeError) {
        self.grant = grant
        self.clients = clients
        do throws(SocketError) {
            listener = try UnixStreamListener(path: socketPath, mode: 0o600, backlog: 64)
        } catch {
            throw RuntimeError(.kms, "cannot serve the KMS proxy: \(error.message)")
        }
    }

    /// Answers until `shutdown` fires, then finishes the requests in progress and removes the socket.
    public func serve(until shutdown: ShutdownSignal) async {
        await listener.serve(until: shutdown, connectionDeadline: Self.connectionDeadline, maxConnections: 64) { [self] connection in
            await serve(connection)
        }
    }

    private func serve(_ connection: UnixConnection) async {
        let response: KMSProxyProtocol.Response
        do {
            // The request is read first, so a refused client reads the refusal instead of a broken pipe.
            let line = try? await connection.readLine(limit: KMSProxyProtocol.maxLineBytes)
            guard let peer = try? PeerCredentials.of(connection.fd), peer.uid == geteuid() else {
                throw RuntimeError(.kms, "the KMS proxy serves only processes of its own user")
            }
            if case .workload = clients, await !isWorkload(peer.pid) {
                throw RuntimeError(.kms, "the KMS proxy serves only the attested workload and its processes, not process \(peer.pid)")
            }
            guard let line else {
                throw RuntimeError(.kms, "KMS proxy request missing or longer than \(KMSProxyProtocol.maxLineBytes) bytes")
            }
            response = try await handle(KMSProxyProtocol.decodeRequest(line))
        } catch let error as RuntimeError {
            response = .init(error: error.message)
        } catch {
            response = .init(error: String(describing: error))
        }
        var bytes = KMSProxyProtocol.encode(response)
        defer { zeroize(&bytes) }
        try? await connection.writeAll(bytes)
    }

    /// Names the workload this proxy serves (the launch calls it right after starting the child).
    public func serveWorkload(pid: Int32) {
        workload.store(pid, ordering: .releasing)
    }

    /// Whether `pid` is the workload or one of its descendants (waiting briefly for a child that
    /// connects right after it started).
    private func isWorkload(_ pid: Int32) async -> Bool {
        for _ in 0..<100 {
            let root = workload.load(ordering: .acquiring)
            if root > 0 { return KMSProxyClients.descends(pid, from: root) }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    /// One request: grant check, then the KMS. Errors name the master key id, never a key.
    func handle(_ request: KMSProxyProtocol.Request) async throws -> KMSProxyProtocol.Response {
        let id = request.masterKeyID
        switch request.op {
        case "unwrap":
            guard grant.unwrap.map({ $0.contains(id) }) ?? true else {
                throw RuntimeError(.kms, "the policy does not let this service unwrap with master key \(id)")
            }
            guard let wrapped = request.wrappedKey else { throw RuntimeError(.kms, "unwrap request without wrapped_key") }
            let key = try await grant.kms.unwrap(wrapped, masterKeyID: id)
            return .init(key: key.withUnsafeBytes { Data($0).base64EncodedString() })
        case "wrap":
            guard grant.wrap.map({ $0.contains(id) }) ?? true else {
                throw RuntimeError(.kms, "the policy does not let this service wrap with master key \(id)")
            }
            guard let text = request.key, var bytes = Data(base64Encoded: text).map({ [UInt8]($0) }) else {
                throw RuntimeError(.kms, "wrap request without a base64 key")
            }
            defer { zeroize(&bytes) }
            let key: SecretKey
            do { key = try SecretKey(bytes: bytes) } catch {
                throw RuntimeError(.kms, "wrap request: a key of \(bytes.count) bytes is not an AES key")
            }
            return .init(wrappedKey: try await grant.kms.wrap(key, masterKeyID: id))
        default:
            throw RuntimeError(.kms, "unknown KMS proxy operation \"\(request.op.prefix(32))\" (wrap or unwrap)")
        }
    }
}
