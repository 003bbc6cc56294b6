import AlwaysEncrypted

/// `--encrypt COLUMN=CEK:deterministic|randomized[:TYPE]`: encrypt a column under a column
/// encryption key; TYPE (a SQL Server type such as `decimal(19,4)`) overrides the plaintext type
/// taken from the data.
public struct EncryptedColumnRequest: Sendable, Hashable {
    public var column: String
    public var key: String
    public var encryptionType: EncryptionType
    public var plaintextType: SQLServerType?

    public init(column: String, key: String, encryptionType: EncryptionType, plaintextType: SQLServerType? = nil) {
        self.column = column
        self.key = key
        self.encryptionType = encryptionType
        self.plaintextType = plaintextType
    }

    public init(option text: String) throws(TableError) {
        let usage = "--encrypt takes COLUMN=CEK:deterministic|randomized[:TYPE]"
        guard let equals = text.firstIndex(of: "=") else { throw TableError(.invalidLocation, usage) }
        let column = String(text[..<equals])
        let parts = text[text.index(after: equals)...].split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard !column.isEmpty, parts.count >= 2, !parts[0].isEmpty else { throw TableError(.invalidLocation, usage) }
        switch parts[1].lowercased() {
        case "deterministic": encryptionType = .deterministic
        case "randomized": encryptionType = .randomized
        default: throw TableError(.invalidLocation, "\(usage) (got '\(parts[1])' for \(column))")
        }
        if parts.count == 3 {
            do { plaintextType = try SQLServerType(declaration: String(parts[2])) } catch {
                throw TableError(.invalidLocation, "--encrypt \(column): \(error.message)")
            }
        } else {
            plaintextType = nil
        }
        self.column = column
        self.key = String(parts[0])
    }

    /// Refuses two requests for one column.
    public static func checkDistinct(_ requests: [EncryptedColumnRequest]) throws(TableError) {
        var seen = Set<String>()
        for request in requests where !seen.insert(request.column.lowercased()).inserted {
            throw TableError(.invalidLocation, "--encrypt names column \(request.column) twice")
        }
    }
}
