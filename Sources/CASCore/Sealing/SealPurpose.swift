/// What a sealed record is; each purpose has its own derived key, so a record sealed for one
/// purpose never opens as another. Other modules add purposes in extensions.
public struct SealPurpose: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let check = SealPurpose("check")
    public static let policySecret = SealPurpose("policy-secret")
    public static let masterKey = SealPurpose("master-key")
    public static let tokenSigningKey = SealPurpose("token-signing-key")
    public static let auditSigningKey = SealPurpose("audit-signing-key")
    public static let caKey = SealPurpose("ca-key")
    public static let casEnvelopeKey = SealPurpose("cas-envelope-key")
    /// HMAC key for the rows CAS writes and must recognise as its own (`RowMAC`, `RecordBook`).
    public static let rowMAC = SealPurpose("row-mac")
}
