/// Why the CAS server cannot start as configured. Equality is on the code.
public struct CASServerError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Plain HTTP was asked for on an address other than loopback.
        public static let insecureListen = Code(rawValue: "insecure_listen")
        public static let invalidListenAddress = Code(rawValue: "invalid_listen_address")
        /// Certificate or key files are missing, unreadable, mismatched or do not cover the hosts.
        public static let tlsMaterial = Code(rawValue: "tls_material")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
    public static func == (a: Self, b: Self) -> Bool { a.code == b.code }
}
