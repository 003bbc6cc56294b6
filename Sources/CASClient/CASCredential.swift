import Policy

/// How a KMS call authenticates: a workload's attestation token, or an owner's signature.
public enum CASCredential: Sendable {
    case bearer(String)
    case owner(OwnerIdentity)
}
