import Support

/// Why the CAS server cannot start as configured. Equality is on the code.
public typealias CASServerError = CodedError<CASServerErrorCode>

public struct CASServerErrorCode: ErrorCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Plain HTTP was asked for on an address other than loopback.
    public static let insecureListen = Self("insecure_listen")
    public static let invalidListenAddress = Self("invalid_listen_address")
    /// Certificate or key files are missing, unreadable, mismatched or do not cover the hosts.
    public static let tlsMaterial = Self("tls_material")
    /// The data directory cannot be created.
    public static let dataDirectory = Self("data_directory")
}
