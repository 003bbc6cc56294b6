/// Where and how the CAS listens. TLS is the default; plain HTTP exists for development on
/// loopback only, and `validate()` refuses it anywhere else.
public struct CASServerConfiguration: Sendable {
    public enum Transport: Sendable {
        case tls(CASTLSMaterial)
        /// `--insecure-http`: loopback addresses only.
        case insecureHTTP
    }

    public static let defaultMaxRequestBodyBytes = 1 << 20

    public var host: String
    /// 0 asks the system for a free port (tests); the bound port is reported on start.
    public var port: Int
    public var transport: Transport
    /// Larger bodies are refused with 413 before they are read whole.
    public var maxRequestBodyBytes: Int

    public init(
        host: String, port: Int, transport: Transport, maxRequestBodyBytes: Int = defaultMaxRequestBodyBytes
    ) {
        self.host = host
        self.port = port
        self.transport = transport
        self.maxRequestBodyBytes = maxRequestBodyBytes
    }

    /// Parses `HOST:PORT`, `[IPv6]:PORT`.
    public static func parseListenAddress(_ text: String) throws(CASServerError) -> (host: String, port: Int) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw CASServerError(.invalidListenAddress, "listen address \(text): expected [IPv6]:PORT")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                throw CASServerError(.invalidListenAddress, "listen address \(text): expected HOST:PORT")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else {
            throw CASServerError(.invalidListenAddress, "listen address \(text): expected HOST:PORT with a port 0-65535")
        }
        return (String(host), port)
    }

    public func validate() throws(CASServerError) {
        guard (0...65535).contains(port) else {
            throw CASServerError(.invalidListenAddress, "port \(port) is not in 0-65535")
        }
        guard maxRequestBodyBytes > 0 else {
            throw CASServerError(.invalidListenAddress, "the request body limit must be positive")
        }
        if case .insecureHTTP = transport, !HostAddress.isLoopback(host) {
            throw CASServerError(
                .insecureListen,
                "plain HTTP is allowed only on a loopback address (localhost, 127.0.0.0/8, ::1), not on \(host): "
                    + "remove --insecure-http to serve TLS, or listen on 127.0.0.1")
        }
    }
}
