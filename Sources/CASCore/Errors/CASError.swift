import Support

/// The one public error of CAS: a code (which also fixes the HTTP status and problem type) and a
/// message safe to show a caller. Messages never contain a secret, key, token or data value;
/// the cause is for logs and never rendered to callers.
public typealias CASError = CodedError<CASErrorCode>

/// A stable machine-readable code. Other CAS modules add codes in an extension.
public struct CASErrorCode: ErrorCode {
    /// kebab-case; the last path segment of the problem type URL.
    public let rawValue: String
    public let httpStatus: Int
    /// The RFC 7807 `title`: the same for every occurrence of the code.
    public let title: String

    public init(_ rawValue: String, status: Int, title: String) {
        self.rawValue = rawValue
        self.httpStatus = status
        self.title = title
    }

    public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}

extension CASErrorCode {
    public static let malformedRequest = Self("malformed-request", status: 400, title: "Malformed request")
    public static let invalidShare = Self("invalid-share", status: 400, title: "Invalid unseal share")
    public static let unauthorized = Self("unauthorized", status: 401, title: "Authentication required")
    public static let invalidSignature = Self("invalid-signature", status: 401, title: "Request signature rejected")
    public static let invalidToken = Self("invalid-token", status: 401, title: "Token rejected")
    public static let forbidden = Self("forbidden", status: 403, title: "Not allowed")
    public static let attestationRefused = Self("attestation-refused", status: 403, title: "Attestation refused")
    public static let wrongMasterKey = Self("wrong-master-key", status: 403, title: "Wrong CAS master key")
    public static let notFound = Self("not-found", status: 404, title: "Not found")
    public static let conflict = Self("conflict", status: 409, title: "Conflict")
    public static let unwrapFailed = Self("unwrap-failed", status: 422, title: "Key unwrap failed")
    public static let decryptionFailed = Self("decryption-failed", status: 422, title: "Decryption failed")
    public static let auditChainBroken = Self("audit-chain-broken", status: 422, title: "Audit chain does not verify")
    public static let corruptStore = Self("corrupt-store", status: 500, title: "Stored data is corrupt")
    public static let keyFile = Self("key-file", status: 500, title: "Key file problem")
    public static let internalFailure = Self("internal", status: 500, title: "Internal error")
    public static let sealed = Self("sealed", status: 503, title: "CAS is sealed")
}

extension CASErrorCode {
    /// A row of CAS's own store failed its MAC, signature or chain check: written by someone else.
    public static let tamperedStore = Self("tampered-store", status: 500, title: "Stored data was changed outside CAS")
    /// A store from before row authentication, waiting for the operator's `--upgrade-store`.
    public static let storeUpgradeRequired = Self("store-upgrade-required", status: 503, title: "The CAS store needs an upgrade")
    /// A signed request (SR-Sig or SR-PoP) seen before within its time window.
    public static let replayedRequest = Self("replayed-request", status: 401, title: "Request replayed")
    /// A token that was revoked, or whose policy no longer allows what it was issued for.
    public static let revokedToken = Self("revoked-token", status: 401, title: "Token revoked")
}
