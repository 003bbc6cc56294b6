/// An encrypted column encryption key as stored in `sys.column_encryption_key_values.encrypted_value`:
///
///     0x01 ‖ keyPathLength u16 LE (bytes) ‖ ciphertextLength u16 LE ‖ keyPath UTF-16LE
///          ‖ RSA-OAEP ciphertext ‖ signature
///
/// The signature is RSA PKCS#1 v1.5 / SHA-256 by the column master key over every byte before
/// it (its length is the CMK modulus length). Parsing checks only the layout; the signature and
/// the RSA sizes are checked by `ColumnMasterKey.unwrap`.
public struct ColumnEncryptionKeyValue: Sendable, Hashable {
    public static let versionByte: UInt8 = 0x01
    static let headerByteCount = 5

    /// Always 0x01 for values this type produces or accepts.
    public var version: UInt8 { Self.versionByte }
    /// The CMK path recorded by the writer (lower-cased by the certificate-store provider,
    /// kept as given by the Azure Key Vault provider).
    public var keyPath: String
    /// RSA-OAEP encryption of the 32-byte CEK under the CMK.
    public var encryptedKey: [UInt8]
    /// RSA PKCS#1 v1.5 SHA-256 signature over `signedBytes`.
    public var signature: [UInt8]

    public init(keyPath: String, encryptedKey: [UInt8], signature: [UInt8]) {
        self.keyPath = keyPath
        self.encryptedKey = encryptedKey
        self.signature = signature
    }

    /// Parses the SQL Server layout. Errors: `.truncated`, `.unsupportedVersion`,
    /// `.malformedKeyValue` (odd key-path length, invalid UTF-16, missing signature).
    public init(serialized bytes: [UInt8]) throws(AlwaysEncryptedError) {
        guard !bytes.isEmpty else {
            throw AlwaysEncryptedError(.truncated, "column encryption key value is empty")
        }
        guard bytes[0] == Self.versionByte else {
            throw AlwaysEncryptedError(.unsupportedVersion, "column encryption key value version is not 0x01")
        }
        guard bytes.count >= Self.headerByteCount else {
            throw AlwaysEncryptedError(.truncated, "column encryption key value header is incomplete")
        }
        let keyPathLength = Int(bytes[1]) | Int(bytes[2]) << 8
        let ciphertextLength = Int(bytes[3]) | Int(bytes[4]) << 8
        guard keyPathLength % 2 == 0 else {
            throw AlwaysEncryptedError(.malformedKeyValue, "key path length \(keyPathLength) is not a whole number of UTF-16 units")
        }
        guard ciphertextLength > 0 else {
            throw AlwaysEncryptedError(.malformedKeyValue, "encrypted key is empty")
        }
        let keyPathEnd = Self.headerByteCount + keyPathLength
        let ciphertextEnd = keyPathEnd + ciphertextLength
        guard bytes.count > ciphertextEnd else {
            throw AlwaysEncryptedError(
                .truncated,
                "column encryption key value has \(bytes.count) bytes; key path, encrypted key and a signature need more than \(ciphertextEnd)")
        }
        var units: [UInt16] = []
        units.reserveCapacity(keyPathLength / 2)
        var i = Self.headerByteCount
        while i < keyPathEnd {
            units.append(UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8)
            i += 2
        }
        guard let path = String(validating: units, as: UTF16.self) else {
            throw AlwaysEncryptedError(.malformedKeyValue, "key path is not valid UTF-16")
        }
        self.keyPath = path
        self.encryptedKey = Array(bytes[keyPathEnd..<ciphertextEnd])
        self.signature = Array(bytes[ciphertextEnd...])
    }

    /// Everything the signature covers: header, key path and encrypted key.
    public func signedBytes() throws(AlwaysEncryptedError) -> [UInt8] {
        let path = utf16LittleEndian(keyPath)
        guard path.count <= Int(UInt16.max) else {
            throw AlwaysEncryptedError(.valueOutOfRange, "key path is longer than 65535 bytes")
        }
        guard encryptedKey.count <= Int(UInt16.max) else {
            throw AlwaysEncryptedError(.valueOutOfRange, "encrypted key is longer than 65535 bytes")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.headerByteCount + path.count + encryptedKey.count + signature.count)
        bytes.append(Self.versionByte)
        bytes.append(UInt8(truncatingIfNeeded: path.count))
        bytes.append(UInt8(truncatingIfNeeded: path.count >> 8))
        bytes.append(UInt8(truncatingIfNeeded: encryptedKey.count))
        bytes.append(UInt8(truncatingIfNeeded: encryptedKey.count >> 8))
        bytes.append(contentsOf: path)
        bytes.append(contentsOf: encryptedKey)
        return bytes
    }

    /// The bytes SQL Server stores (`signedBytes() ‖ signature`).
    public func serialized() throws(AlwaysEncryptedError) -> [UInt8] {
        var bytes = try signedBytes()
        bytes.append(contentsOf: signature)
        return bytes
    }
}
