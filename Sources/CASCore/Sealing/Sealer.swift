import Crypto
import Foundation
import StrongroomCrypto

/// Seals secrets at rest under the CAS master key (docs/design/cas.md "Keys and sealing"):
/// AES-256-GCM under HKDF-SHA256(master, info "strongroom-seal-v1 " + purpose), AAD = purpose
/// ‖ "\n" ‖ record id, stored as nonce(12) ‖ ciphertext ‖ tag(16).
public struct Sealer: Sendable {
    private let masterKey: CASMasterKey

    public init(masterKey: CASMasterKey) {
        self.masterKey = masterKey
    }

    public static let overhead = 12 + 16

    public func seal(_ plaintext: [UInt8], purpose: SealPurpose, recordID: String) throws(CASError) -> [UInt8] {
        do {
            let box = try AES.GCM.seal(plaintext, using: purposeKey(purpose), authenticating: Self.aad(purpose, recordID))
            guard let combined = box.combined else { throw CASError(.internalFailure, "AES-GCM gave no combined form") }
            return [UInt8](combined)
        } catch let error as CASError {
            throw error
        } catch {
            throw CASError(.internalFailure, "sealing a \(purpose) record failed", cause: error)
        }
    }

    /// Opens a sealed record. A failure means a wrong master key or a changed record; once the
    /// check value has opened, it means the record (or its id) was changed: `.corruptStore`.
    public func open(_ sealed: [UInt8], purpose: SealPurpose, recordID: String) throws(CASError) -> [UInt8] {
        guard sealed.count >= Self.overhead else {
            throw CASError(.corruptStore, "sealed \(purpose) record \(recordID) is too short")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            return [UInt8](try AES.GCM.open(box, using: purposeKey(purpose), authenticating: Self.aad(purpose, recordID)))
        } catch {
            throw CASError(.corruptStore, "sealed \(purpose) record \(recordID) does not open (changed, or sealed under another id)")
        }
    }

    /// Opens a record holding an AES key straight into zeroing storage.
    public func openKey(_ sealed: [UInt8], purpose: SealPurpose, recordID: String) throws(CASError) -> SecretKey {
        var bytes = try open(sealed, purpose: purpose, recordID: recordID)
        defer { zeroize(&bytes) }
        guard let key = try? SecretKey(bytes: bytes) else {
            throw CASError(.corruptStore, "sealed \(purpose) record \(recordID) is not an AES key")
        }
        return key
    }

    public func sealKey(_ key: SecretKey, purpose: SealPurpose, recordID: String) throws(CASError) -> [UInt8] {
        var bytes = key.withUnsafeBytes { [UInt8]($0) }
        defer { zeroize(&bytes) }
        return try seal(bytes, purpose: purpose, recordID: recordID)
    }

    // MARK: Row authentication

    /// HMAC-SHA256 under the row-MAC purpose key over `table` and the length-prefixed `fields`:
    /// the row's identity and content, so a row copied to another key or table does not verify.
    public func mac(table: String, fields: [[UInt8]]) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: purposeKey(.rowMAC))
        for field in [Array(table.utf8)] + fields {
            var length = UInt32(field.count).bigEndian
            withUnsafeBytes(of: &length) { hmac.update(data: $0) }
            hmac.update(data: field)
        }
        return Array(hmac.finalize())
    }

    /// Constant-time check of a row MAC.
    public func verifyMAC(_ mac: [UInt8], table: String, fields: [[UInt8]]) -> Bool {
        mac.count == 32 && constantTimeEquals(mac, self.mac(table: table, fields: fields))
    }

    // MARK: Check value

    private static let checkPlaintext = Array("strongroom-check-v1".utf8)
    private static let checkRecord = "cas"

    /// A sealed constant stored once at init: opening it proves the master key is the right one.
    public func makeCheckValue() throws(CASError) -> [UInt8] {
        try seal(Self.checkPlaintext, purpose: .check, recordID: Self.checkRecord)
    }

    /// Throws `.wrongMasterKey` unless this master key sealed `checkValue`.
    public func verifyCheckValue(_ checkValue: [UInt8]) throws(CASError) {
        guard let plain = try? open(checkValue, purpose: .check, recordID: Self.checkRecord),
              constantTimeEquals(plain, Self.checkPlaintext) else {
            throw CASError(.wrongMasterKey, "the master key does not open this CAS's check value")
        }
    }

    // MARK: Derivation

    static func aad(_ purpose: SealPurpose, _ recordID: String) -> [UInt8] {
        Array(purpose.rawValue.utf8) + [0x0a] + Array(recordID.utf8)
    }

    private func purposeKey(_ purpose: SealPurpose) -> SymmetricKey {
        masterKey.key.withUnsafeBytes { master in
            HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: master),
                                   info: Array("strongroom-seal-v1 \(purpose.rawValue)".utf8), outputByteCount: 32)
        }
    }
}
