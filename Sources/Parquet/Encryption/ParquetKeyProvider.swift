import StrongroomCrypto

/// Reader side: turns the `key_metadata` stored in a file back into a key.
/// `column` is the column path for column keys and nil for the footer key.
public protocol ParquetKeyProvider: Sendable {
    func key(for keyMetadata: [UInt8]?, column: [String]?) throws -> SecretKey
}

/// A data key a writer encrypts with, plus the `key_metadata` to store so readers find it again.
public struct IssuedKey: Sendable {
    public let key: SecretKey
    public let keyMetadata: [UInt8]

    public init(key: SecretKey, keyMetadata: [UInt8]) {
        self.key = key
        self.keyMetadata = keyMetadata
    }
}

/// Writer side: given the id a user configured for the footer or a column (an explicit key id, or
/// a master key id under envelope encryption), produce the data key and its key metadata.
public protocol ParquetKeyIssuer: Sendable {
    func issueKey(keyID: String, column: [String]?) throws -> IssuedKey
}

extension Optional where Wrapped == [String] {
    /// "footer" or "column a.b.c" for error messages (column names are schema, not data).
    var keyRole: String {
        switch self {
        case .none: "footer"
        case .some(let path): "column \(path.joined(separator: "."))"
        }
    }
}
