import Crypto
import Foundation
import Policy

/// The keys a running CAS works with, all unsealed from the store with the CAS master key:
/// the sealer itself, the token signing key (JWKS), the audit checkpoint key, the envelope key
/// owners encrypt given secrets to, and the administrator's public key (node registration).
public struct CASKeyring: Sendable {
    public let sealer: Sealer
    public let tokenKey: ES256SigningKey
    public let auditKey: ES256SigningKey
    public let envelopeKey: P256.KeyAgreement.PrivateKey
    public let administrator: OwnerPublicKey
    /// What the one-time upgrade of a schema-1 store did at this unseal (audited by the service).
    var upgrade: StoreUpgrade.Summary?
    /// Whether this unseal upgraded a schema-1 store.
    public var upgradeHappened: Bool { upgrade != nil }

    enum MetaKey {
        static let check = "cas.check"
        static let tokenKey = "cas.token-key"
        static let auditKey = "cas.audit-key"
        static let envelopeKey = "cas.envelope-key"
        static let administrator = "cas.administrator"
        /// `RowMAC.administrator` of the administrator's key text: the key is not replaceable in the database.
        static let administratorMAC = "cas.administrator.mac"
    }

    /// Whether `cas init` has run against this store.
    public static func isInitialized(_ store: any CASStore) async throws -> Bool {
        try await store.meta(MetaKey.check) != nil
    }

    /// `cas init`: creates every CAS key, sealed under `masterKey`. Refuses an initialised store
    /// (a second init would orphan everything sealed under the first master key).
    public static func initialize(_ store: any CASStore, masterKey: CASMasterKey, administrator: OwnerPublicKey) async throws -> CASKeyring {
        if try await isInitialized(store) {
            throw CASError(.conflict, "this CAS store is already initialised; unseal it with its master key or shares")
        }
        let sealer = Sealer(masterKey: masterKey)
        let tokenKey = ES256SigningKey()
        let auditKey = ES256SigningKey()
        let envelopeKey = P256.KeyAgreement.PrivateKey()
        try await store.putMeta(MetaKey.tokenKey, sealer.seal(tokenKey.rawRepresentation, purpose: .tokenSigningKey, recordID: "cas"))
        try await store.putMeta(MetaKey.auditKey, sealer.seal(auditKey.rawRepresentation, purpose: .auditSigningKey, recordID: "cas"))
        try await store.putMeta(MetaKey.envelopeKey, sealer.seal([UInt8](envelopeKey.rawRepresentation), purpose: .casEnvelopeKey, recordID: "cas"))
        try await store.putMeta(MetaKey.administrator, Array(administrator.text.utf8))
        try await store.putMeta(MetaKey.administratorMAC, RowMAC.administrator(administrator.text, sealer: sealer))
        try await StoreUpgrade.markCurrent(store, sealer: sealer)
        // The check value goes last: a store with it is complete.
        try await store.putMeta(MetaKey.check, sealer.makeCheckValue())
        return CASKeyring(sealer: sealer, tokenKey: tokenKey, auditKey: auditKey, envelopeKey: envelopeKey, administrator: administrator)
    }

    /// Unseals a CAS: a wrong master key (or wrong shares) is `.wrongMasterKey`; a changed key
    /// record is `.corruptStore`.
    /// `upgradeStore`: the operator asks to authenticate a store from before row authentication.
    public static func unseal(_ store: any CASStore, masterKey: CASMasterKey, upgradeStore: Bool = false) async throws -> CASKeyring {
        guard let check = try await store.meta(MetaKey.check) else {
            throw CASError(.notFound, "this CAS store is not initialised: run `strongroom cas init` first")
        }
        let sealer = Sealer(masterKey: masterKey)
        try sealer.verifyCheckValue(check)
        let upgrade = try await StoreUpgrade.runIfNeeded(store, sealer: sealer, allowed: upgradeStore)
        func sealedMeta(_ key: String) async throws -> [UInt8] {
            guard let value = try await store.meta(key) else {
                throw CASError(.corruptStore, "CAS store lacks its \(key) record")
            }
            return value
        }
        let tokenKey = try ES256SigningKey(
            rawRepresentation: sealer.open(await sealedMeta(MetaKey.tokenKey), purpose: .tokenSigningKey, recordID: "cas"))
        let auditKey = try ES256SigningKey(
            rawRepresentation: sealer.open(await sealedMeta(MetaKey.auditKey), purpose: .auditSigningKey, recordID: "cas"))
        let envelopeRaw = try sealer.open(await sealedMeta(MetaKey.envelopeKey), purpose: .casEnvelopeKey, recordID: "cas")
        guard let envelopeKey = try? P256.KeyAgreement.PrivateKey(rawRepresentation: envelopeRaw) else {
            throw CASError(.corruptStore, "CAS envelope key record is not a P-256 key")
        }
        let administratorText = String(decoding: try await sealedMeta(MetaKey.administrator), as: UTF8.self)
        guard let administratorMAC = try await store.meta(MetaKey.administratorMAC),
              sealer.verifyMAC(administratorMAC, table: "meta", fields: [Array("cas.administrator".utf8), Array(administratorText.utf8)]) else {
            throw CASError(.tamperedStore, "the CAS administrator record was changed outside CAS (its MAC does not verify); CAS will not start on it")
        }
        guard let administrator = try? OwnerPublicKey(text: administratorText) else {
            throw CASError(.corruptStore, "CAS administrator record is not an Ed25519 public key")
        }
        var keyring = CASKeyring(sealer: sealer, tokenKey: tokenKey, auditKey: auditKey, envelopeKey: envelopeKey, administrator: administrator)
        keyring.upgrade = upgrade
        return keyring
    }

    /// The JWKS that verifies tokens and audit checkpoints.
    public var jwks: JWKS { JWKS(keys: [tokenKey.jwk, auditKey.jwk]) }
}
