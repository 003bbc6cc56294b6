import Attestation
import Crypto
import Foundation
import Logging
import Policy
import StrongroomCrypto

/// All of CAS's decisions, without HTTP (docs/design/cas.md): policies, attestation, secrets,
/// KMS, grants and the audit trail. Every refusal is audited with its reason and thrown as a
/// CASError whose message names what failed and never contains a secret, key or token.
///
/// CAS trusts its own store only after checking it (docs/design/threat-model.md): policies
/// through `PolicyLedger`, authority records through `RecordBook` MACs, trusted nodes and the
/// administrator through row MACs, master keys and secrets through their sealing.
public struct CASService: Sendable {
    public let store: any CASStore
    public let keyring: CASKeyring
    /// Verifiers for hardware TEE kinds; the simulated verifier is added per request from the
    /// store's trusted nodes.
    public let hardwareVerifiers: [any EvidenceVerifier]
    public let nonceLifetime: TimeInterval
    let audit: AuditTrail
    let vault: SecretVault
    let records: RecordBook
    let ledger: PolicyLedger
    let logger: Logger
    let noncePurge = NoncePurge()

    public init(store: any CASStore, keyring: CASKeyring, hardwareVerifiers: [any EvidenceVerifier] = [],
                nonceLifetime: TimeInterval = 60, logger: Logger = Logger(label: "strongroom.cas")) {
        self.store = store
        self.keyring = keyring
        self.hardwareVerifiers = hardwareVerifiers
        self.nonceLifetime = nonceLifetime
        let records = RecordBook(store: store, sealer: keyring.sealer)
        self.records = records
        self.audit = AuditTrail(store: store, signingKey: keyring.auditKey, records: records, logger: logger)
        self.vault = SecretVault(store: store, sealer: keyring.sealer)
        self.ledger = PolicyLedger(store: store, sealer: keyring.sealer, records: records)
        self.logger = logger
    }

    public var jwks: JWKS { keyring.jwks }

    /// The key owners encrypt `given` secrets to (X9.63 uncompressed P-256).
    public var envelopePublicKey: [UInt8] { [UInt8](keyring.envelopeKey.publicKey.x963Representation) }

    // MARK: Store integrity

    /// Audits a row that failed its check and returns the error to refuse with.
    func tampered(_ tampering: StoreTampering, policy: String? = nil, now: Date) async -> CASError {
        logger.critical("store row failed its integrity check", metadata: ["table": "\(tampering.table)", "row": "\(tampering.row)"])
        try? await audit.record(
            AuditEvent(type: .storeTampered, policy: policy, decision: "refused", reason: tampering.reason,
                       details: ["table": .string(tampering.table), "row": .string(String(tampering.row.prefix(200)))]),
            now: now)
        return CASError(.tamperedStore, "CAS's store was changed outside CAS (\(tampering.table) \(tampering.row.prefix(120))): \(tampering.reason); nothing it names is used")
    }

    /// The verified current state of a policy; tampering is audited and thrown as a CASError.
    func currentPolicy(_ name: String, now: Date) async throws -> PolicyLedger.Current? {
        do {
            return try await ledger.current(name)
        } catch let tampering as StoreTampering {
            throw await tampered(tampering, policy: name, now: now)
        }
    }

    func requirePolicy(_ name: String, now: Date) async throws -> PolicyLedger.Current {
        guard let current = try await currentPolicy(name, now: now) else { throw CASError(.notFound, "no policy named \(name)") }
        return current
    }

    /// A record read through the book; tampering audited and thrown.
    func read<Payload: Decodable & Sendable>(_ kind: RecordKind, key: String, as type: Payload.Type, policy: String? = nil,
                                              now: Date) async throws -> RecordBook.Entry<Payload>? {
        do {
            return try await records.read(kind, key: key, as: type)
        } catch let tampering as StoreTampering {
            throw await tampered(tampering, policy: policy, now: now)
        }
    }

    // MARK: Signed requests

    /// The signer of an SR-Sig request among `keys`, after its signature, time window and the
    /// replay cache: each signed request is accepted once.
    func authenticate(_ requester: RequestCredentials, among keys: [NamedKey], now: Date) async throws -> NamedKey {
        let key = try requester.signer(among: keys, now: now)
        if let signature = requester.signature {
            try await acceptOnce(signature.replayDigest, timestamp: signature.timestamp, window: RequestSignature.window, now: now)
        }
        return key
    }

    /// Records a signed request's digest until its time window has passed; a second sighting is refused.
    func acceptOnce(_ digest: [UInt8], timestamp: Int64, window: Int64, now: Date) async throws {
        if noncePurge.isDue(now: now) {
            try await store.purgeExpiredNonces(now: now)
            try await store.purgeExpiredReplays(now: now)
        }
        let expiresAt = Date(timeIntervalSince1970: TimeInterval(timestamp + window + 1))
        guard try await store.insertReplay(digest, now: now, expiresAt: expiresAt) else {
            throw CASError(.replayedRequest, "this signed request was already accepted once; sign every request anew")
        }
    }
}

extension AuditEventType {
    public static let storeTampered = Self("store.tampered")
    public static let tokensRevoked = Self("tokens.revoked")
    public static let grantIssued = Self("grant.issued")
    public static let grantRefused = Self("grant.refused")
    public static let auditorRegistered = Self("auditor.registered")
    public static let auditRefused = Self("audit.refused")
}
