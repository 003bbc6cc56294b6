import Support

/// Errors from the AES layer. Messages say what went wrong and never contain key bytes,
/// nonces of secret material or plaintext.
public typealias CryptoError = CodedError<CryptoErrorCode>

public struct CryptoErrorCode: ErrorCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Not 16, 24 or 32 bytes
    public static let invalidKeyLength = Self("invalidKeyLength")
    /// Nonce / tag / output buffer of the wrong size
    public static let invalidParameter = Self("invalidParameter")
    /// GCM tag does not verify (wrong key, wrong AAD or tampered bytes)
    public static let authenticationFailed = Self("authenticationFailed")
    /// The crypto provider refused the operation
    public static let internalFailure = Self("internalFailure")
}

