import Foundation
import Logging
import NIOPosix
import NIOSSL
import PostgresNIO
import Support

/// A `postgres://user[:password]@host[:port]/database[?sslmode=…]` URL, as libpq spells it.
/// `sslmode`: disable, prefer (the default, as in libpq), require or verify-full; anything but
/// disable verifies the server certificate against the system roots when TLS is used.
/// Errors never repeat the URL (it may carry a password).
public struct PostgresURL: Sendable, Hashable {
    public enum TLSMode: String, Sendable, Hashable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var username: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String?
    public var tlsMode: TLSMode

    public init(_ text: String) throws(SQLStorageError) {
        func invalid(_ reason: String) -> SQLStorageError {
            SQLStorageError(.invalidLocation, "invalid PostgreSQL URL: \(reason)")
        }
        guard let components = URLComponents(string: text) else { throw invalid("not a URL") }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw invalid("scheme must be postgres:// or postgresql://")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("no host") }
        guard let user = components.user, !user.isEmpty else { throw invalid("no user name (postgres://USER@host/db)") }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw invalid("port \(port) out of range") }
        var path = components.path
        if path.hasPrefix("/") { path.removeFirst() }
        guard !path.contains("/") else { throw invalid("database name contains '/'") }

        var tlsMode = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = TLSMode(rawValue: value) else {
                    throw invalid("sslmode must be disable, prefer, require or verify-full")
                }
                tlsMode = mode
            default:
                // An unknown option is refused rather than ignored: a typo must not drop TLS.
                throw invalid("unknown parameter \"\(item.name)\"")
            }
        }

        self.username = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.host = host.removingPercentEncoding ?? host
        self.port = port
        self.database = path.isEmpty ? nil : (path.removingPercentEncoding ?? path)
        self.tlsMode = tlsMode
    }

    /// The TLS settings `tlsMode` asks for; nil when TLS is off. Anything but `disable` verifies
    /// the server certificate against the system roots and the host name.
    private var tls: (configuration: TLSConfiguration, required: Bool)? {
        switch tlsMode {
        case .disable: nil
        case .prefer: (.makeClientConfiguration(), false)
        case .require, .verifyFull: (.makeClientConfiguration(), true)
        }
    }

    /// The configuration of a pooled postgres-nio client (the CAS store).
    public var clientConfiguration: PostgresClient.Configuration {
        let mode: PostgresClient.Configuration.TLS =
            switch tls {
            case nil: .disable
            case let (configuration, required)?: required ? .require(configuration) : .prefer(configuration)
            }
        return PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: mode)
    }

    /// The configuration of one connection (a user's database read or written by Always
    /// Encrypted tables).
    public func connectionConfiguration() throws(SQLStorageError) -> PostgresConnection.Configuration {
        let mode: PostgresConnection.Configuration.TLS
        do {
            mode =
                switch tls {
                case nil: .disable
                case let (configuration, required)?:
                    required ? .require(try NIOSSLContext(configuration: configuration))
                        : .prefer(try NIOSSLContext(configuration: configuration))
                }
        } catch {
            throw SQLStorageError(.invalidLocation, "TLS for \(host):\(port) cannot be set up", cause: error)
        }
        return PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: mode)
    }

    /// Opens one connection.
    public func connect(logger: Logger, id: Int = 1) async throws(SQLStorageError) -> PostgresConnection {
        let configuration = try connectionConfiguration()
        do {
            return try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: id, logger: logger)
        } catch {
            throw SQLStorageError(error, "connect to \(host):\(port)")
        }
    }
}
