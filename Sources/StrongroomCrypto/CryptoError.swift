/// Errors from the AES layer. Messages say what went wrong and never contain key bytes,
/// nonces of secret material or plaintext.
public struct CryptoError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidKeyLength      // not 16, 24 or 32 bytes
        case invalidParameter      // nonce / tag / output buffer of the wrong size
        case authenticationFailed  // GCM tag does not verify (wrong key, wrong AAD or tampered bytes)
        case internalFailure       // the crypto provider refused the operation
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

extension CryptoError: Equatable {
    public static func == (a: CryptoError, b: CryptoError) -> Bool { a.code == b.code }
}
