import Support

/// Why an Always Encrypted operation was refused. `code` is stable for tests and callers
/// (equality is on the code); `message` says what and where and never contains key bytes,
/// plaintext, ciphertext or other data values.
public typealias AlwaysEncryptedError = CodedError<AlwaysEncryptedErrorCode>

public struct AlwaysEncryptedErrorCode: ErrorCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// The first byte of a cell or key value is not the only version SQL Server writes (0x01).
    public static let unsupportedVersion = Self("unsupported_version")
    /// Too few bytes, or a length that cannot be a cell / key value / normalized value.
    public static let truncated = Self("truncated")
    /// The cell's HMAC-SHA256 does not match: wrong key or changed bytes.
    public static let authenticationFailed = Self("authentication_failed")
    /// The MAC verified but the PKCS#7 padding is wrong (the writer was broken).
    public static let invalidPadding = Self("invalid_padding")
    /// A key (CEK, IV) has the wrong length.
    public static let invalidKeyLength = Self("invalid_key_length")
    /// A column encryption key value is not in the SQL Server layout.
    public static let malformedKeyValue = Self("malformed_key_value")
    /// The RSA signature over a column encryption key value does not verify with the CMK.
    public static let badSignature = Self("bad_signature")
    /// The CMK cannot do this: no private key, wrong key size, or not an RSA key.
    public static let unsuitableMasterKey = Self("unsuitable_master_key")
    /// A PEM key or certificate could not be read.
    public static let invalidKeyMaterial = Self("invalid_key_material")
    /// RSA-OAEP decryption of the column encryption key failed.
    public static let unwrapFailed = Self("unwrap_failed")
    /// A value does not fit the SQL Server type (range, precision, length).
    public static let valueOutOfRange = Self("value_out_of_range")
    /// A value's kind does not match the column type (e.g. a string for an int column).
    public static let typeMismatch = Self("type_mismatch")
    /// Bytes are not valid in the column's character encoding.
    public static let invalidEncoding = Self("invalid_encoding")
    /// The crypto provider refused an operation it should not refuse.
    public static let internalFailure = Self("internal_failure")
}
