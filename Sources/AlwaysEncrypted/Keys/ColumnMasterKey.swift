import Crypto
import _CryptoExtras
import StrongroomCrypto
import SwiftASN1
import X509

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An RSA column master key (CMK) in the role of SQL Server's certificate-store provider
/// (`MSSQL_CERTIFICATE_STORE`): it wraps column encryption keys with RSA-OAEP and signs the
/// wrapped value with RSA PKCS#1 v1.5 / SHA-256.
///
/// Built from a PKCS#8 (or PKCS#1) private key PEM — can wrap and unwrap — or from a
/// certificate, which can only verify signatures (wrapping signs, so it needs the private key).
/// Certificate validity dates are not enforced: SQL Server does not enforce them for CMKs
/// either, and real CMK certificates are often expired.
public struct ColumnMasterKey: Sendable {
    /// RSA-OAEP hash. Microsoft's providers for the Windows certificate store use SHA-1 (RFC 8017
    /// defaults, MGF1 with the same hash); that is what SQL Server's own key values contain.
    public enum OAEPDigest: Sendable, Hashable {
        case sha1, sha256
    }

    /// The path recorded in key values (`sys.column_master_keys.key_path`),
    /// e.g. `CurrentUser/My/<SHA-1 thumbprint>`.
    public var keyPath: String
    public let publicKey: _RSA.Signing.PublicKey
    private let privateKey: _RSA.Signing.PrivateKey?

    /// Whether this CMK can unwrap (it holds the private key).
    public var hasPrivateKey: Bool { privateKey != nil }
    /// RSA modulus length in bytes: the length of every encrypted key and signature it makes.
    public var modulusByteCount: Int { publicKey.keySizeInBits / 8 }

    /// A CMK from a PEM private key ("PRIVATE KEY" PKCS#8 or "RSA PRIVATE KEY"), 2048 bits or more.
    public init(privateKeyPEM pem: String, keyPath: String) throws(AlwaysEncryptedError) {
        let key: _RSA.Signing.PrivateKey
        do { key = try _RSA.Signing.PrivateKey(pemRepresentation: pem) } catch {
            throw AlwaysEncryptedError(.invalidKeyMaterial, "private key PEM is not an RSA key of 2048 bits or more", cause: error)
        }
        self.init(privateKey: key, keyPath: keyPath)
    }

    public init(privateKey: _RSA.Signing.PrivateKey, keyPath: String) {
        self.privateKey = privateKey
        self.publicKey = privateKey.publicKey
        self.keyPath = keyPath
    }

    /// A verify-only CMK from a certificate PEM. Without `keyPath`, the path is
    /// `CurrentUser/My/<thumbprint>` as SSMS writes it.
    public init(certificatePEM pem: String, keyPath: String? = nil) throws(AlwaysEncryptedError) {
        let der: [UInt8]
        do { der = try PEMDocument(pemString: pem).derBytes } catch {
            throw AlwaysEncryptedError(.invalidKeyMaterial, "certificate PEM could not be read", cause: error)
        }
        try self.init(certificateDER: der, keyPath: keyPath)
    }

    public init(certificateDER der: [UInt8], keyPath: String? = nil) throws(AlwaysEncryptedError) {
        let certificate: Certificate
        do { certificate = try Certificate(derEncoded: der) } catch {
            throw AlwaysEncryptedError(.invalidKeyMaterial, "certificate DER could not be parsed", cause: error)
        }
        guard let rsa = _RSA.Signing.PublicKey(certificate.publicKey) else {
            throw AlwaysEncryptedError(.unsuitableMasterKey, "certificate key is not RSA")
        }
        self.publicKey = rsa
        self.privateKey = nil
        self.keyPath = keyPath ?? Self.certificateStoreKeyPath(thumbprint: Self.thumbprint(certificateDER: der))
    }

    /// A private key and its certificate; refuses a key that does not belong to the certificate.
    public init(privateKeyPEM: String, certificatePEM: String, keyPath: String? = nil) throws(AlwaysEncryptedError) {
        let fromCertificate = try ColumnMasterKey(certificatePEM: certificatePEM, keyPath: keyPath)
        let fromKey = try ColumnMasterKey(privateKeyPEM: privateKeyPEM, keyPath: fromCertificate.keyPath)
        guard fromKey.publicKey.derRepresentation == fromCertificate.publicKey.derRepresentation else {
            throw AlwaysEncryptedError(.unsuitableMasterKey, "private key does not match the certificate")
        }
        self = fromKey
    }

    /// A fresh RSA CMK (development keys; production CMKs live in CAS).
    public static func generate(keyPath: String, bitCount: Int = 2048) throws(AlwaysEncryptedError) -> ColumnMasterKey {
        guard bitCount >= 2048, bitCount % 8 == 0 else {
            throw AlwaysEncryptedError(.unsuitableMasterKey, "CMK must be at least 2048 bits, got \(bitCount)")
        }
        do {
            return ColumnMasterKey(privateKey: try _RSA.Signing.PrivateKey(keySize: .init(bitCount: bitCount)), keyPath: keyPath)
        } catch {
            throw AlwaysEncryptedError(.internalFailure, "RSA key generation failed", cause: error)
        }
    }

    /// The private key as PKCS#8 PEM, for storing a development key; nil for certificate-only CMKs.
    public func privateKeyPKCS8PEM() -> String? { privateKey?.pkcs8PEMRepresentation }

    /// `CurrentUser/My/<thumbprint>` (SQL Server's certificate-store key path).
    public static func certificateStoreKeyPath(storeLocation: String = "CurrentUser", storeName: String = "My", thumbprint: String) -> String {
        "\(storeLocation)/\(storeName)/\(thumbprint)"
    }

    /// Upper-case hex SHA-1 of the certificate DER (the Windows thumbprint).
    public static func thumbprint(certificateDER der: [UInt8]) -> String {
        Insecure.SHA1.hash(data: der).map { byte in
            let digits = Array("0123456789ABCDEF")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
    }

    // MARK: Wrap and unwrap

    /// Encrypts `cek` under this CMK and signs the value, like the certificate-store provider.
    /// The key path is lower-cased unless `preservingKeyPathCase` (the Azure Key Vault provider
    /// keeps case).
    public func wrap(
        _ cek: SecretKey, keyPath: String? = nil, preservingKeyPathCase: Bool = false, oaep: OAEPDigest = .sha1
    ) throws(AlwaysEncryptedError) -> ColumnEncryptionKeyValue {
        guard let privateKey else {
            throw AlwaysEncryptedError(.unsuitableMasterKey, "CMK has no private key, so it cannot sign a key value")
        }
        let path = keyPath ?? self.keyPath
        var value = ColumnEncryptionKeyValue(
            keyPath: preservingKeyPathCase ? path : path.lowercased(), encryptedKey: [], signature: [])
        do {
            let encryptionKey = try _RSA.Encryption.PublicKey(derRepresentation: publicKey.derRepresentation)
            let ciphertext = try cek.withUnsafeBytes { try encryptionKey.encrypt($0, padding: oaep.padding) }
            value.encryptedKey = Array(ciphertext)
            let signed = try value.signedBytes()
            let signature = try privateKey.signature(for: SHA256.hash(data: signed), padding: .insecurePKCS1v1_5)
            value.signature = Array(signature.rawRepresentation)
        } catch let error as AlwaysEncryptedError {
            throw error
        } catch {
            throw AlwaysEncryptedError(.internalFailure, "RSA wrap of the column encryption key failed", cause: error)
        }
        return value
    }

    /// Whether `value`'s signature was made by this CMK over its header, key path and encrypted key.
    public func hasValidSignature(_ value: ColumnEncryptionKeyValue) -> Bool {
        guard value.signature.count == modulusByteCount, let signed = try? value.signedBytes() else { return false }
        return publicKey.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: value.signature),
            for: SHA256.hash(data: signed), padding: .insecurePKCS1v1_5)
    }

    /// Verifies the signature, then RSA-OAEP-decrypts the 32-byte CEK. Refuses a value whose
    /// signature does not verify (`.badSignature`) before decrypting anything.
    public func unwrap(_ value: ColumnEncryptionKeyValue, oaep: OAEPDigest = .sha1) throws(AlwaysEncryptedError) -> SecretKey {
        guard let privateKey else {
            throw AlwaysEncryptedError(.unsuitableMasterKey, "CMK has no private key, so it cannot unwrap")
        }
        guard value.encryptedKey.count == modulusByteCount else {
            throw AlwaysEncryptedError(
                .malformedKeyValue, "encrypted key is \(value.encryptedKey.count) bytes, the CMK modulus is \(modulusByteCount)")
        }
        guard value.signature.count == modulusByteCount else {
            throw AlwaysEncryptedError(
                .malformedKeyValue, "signature is \(value.signature.count) bytes, the CMK modulus is \(modulusByteCount)")
        }
        guard hasValidSignature(value) else {
            throw AlwaysEncryptedError(.badSignature, "column encryption key value is not signed by this CMK")
        }
        var cek: [UInt8]
        do {
            let decryptionKey = try _RSA.Encryption.PrivateKey(derRepresentation: privateKey.derRepresentation)
            cek = Array(try decryptionKey.decrypt(value.encryptedKey, padding: oaep.padding))
        } catch {
            throw AlwaysEncryptedError(.unwrapFailed, "RSA-OAEP decryption of the column encryption key failed", cause: error)
        }
        defer { zeroize(&cek) }
        guard cek.count == CellKey.rootKeyByteCount else {
            throw AlwaysEncryptedError(.invalidKeyLength, "unwrapped column encryption key is \(cek.count) bytes, not 32")
        }
        do { return try SecretKey(bytes: cek) } catch {
            throw AlwaysEncryptedError(.invalidKeyLength, "unwrapped column encryption key rejected", cause: error)
        }
    }

    /// Parses serialized key-value bytes and unwraps them.
    public func unwrap(serialized bytes: [UInt8], oaep: OAEPDigest = .sha1) throws(AlwaysEncryptedError) -> SecretKey {
        try unwrap(ColumnEncryptionKeyValue(serialized: bytes), oaep: oaep)
    }
}

extension ColumnMasterKey.OAEPDigest {
    var padding: _RSA.Encryption.Padding {
        switch self {
        case .sha1: .PKCS1_OAEP
        case .sha256: .PKCS1_OAEP_SHA256
        }
    }
}
