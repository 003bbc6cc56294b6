import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore

/// Builds the CAS HTTP application: routes of docs/design/cas.md over `handlers`, TLS (or
/// loopback-only plain HTTP), body limit, problem+json errors, `/metrics`, request logs.
/// Run the result as a `Service` (`runService()`, or inside a `ServiceGroup`).
public struct CASApplication: Sendable {
    public let configuration: CASServerConfiguration
    public let handlers: any CASHandlers
    public let metrics: CASMetrics
    public let logger: Logger

    public init(
        configuration: CASServerConfiguration, handlers: any CASHandlers, metrics: CASMetrics = CASMetrics(),
        logger: Logger = Logger(label: "strongroom.cas")
    ) {
        self.configuration = configuration
        self.handlers = handlers
        self.metrics = metrics
        self.logger = logger
    }

    /// `onListening` receives the bound port (useful with port 0).
    public func makeApplication(onListening: @escaping @Sendable (Int) async -> Void = { _ in })
        throws(CASServerError) -> Application<RouterResponder<BasicRequestContext>>
    {
        try configuration.validate()
        let router = CASRouter(
            handlers: handlers, reading: RequestReading(maxBodyBytes: configuration.maxRequestBodyBytes),
            metrics: metrics
        ).build()
        let server: HTTPServerBuilder
        switch configuration.transport {
        case .insecureHTTP:
            server = .http1()
        case .tls(let material):
            do {
                server = try .tls(.http1(), tlsConfiguration: material.serverConfiguration())
            } catch {
                throw CASServerError(.tlsMaterial, "cannot set up TLS with the server certificate and key")
            }
        }
        let logger = self.logger
        let scheme = if case .tls = configuration.transport { "https" } else { "http" }
        return Application(
            router: router, server: server,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "strongroom-cas"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("CAS listening", metadata: ["scheme": "\(scheme)", "port": "\(port)"])
                await onListening(port)
            },
            logger: logger)
    }
}
