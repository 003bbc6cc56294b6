import Foundation

/// The evidence verifiers CAS holds, one per TEE kind. Evidence of a kind with no verifier
/// is refused with `unsupported_kind`.
public struct VerifierRegistry: Sendable {
    private var verifiers: [TEEKind: any EvidenceVerifier]

    public init(_ verifiers: [any EvidenceVerifier] = []) {
        self.verifiers = [:]
        for verifier in verifiers { register(verifier) }
    }

    /// Adds or replaces the verifier for `verifier.kind`.
    public mutating func register(_ verifier: any EvidenceVerifier) {
        verifiers[verifier.kind] = verifier
    }

    public var kinds: Set<TEEKind> { Set(verifiers.keys) }

    public func verifier(for kind: TEEKind) throws(AttestationError) -> any EvidenceVerifier {
        guard let verifier = verifiers[kind] else {
            throw AttestationError(.unsupportedKind, "no verifier for evidence kind \(kind.rawValue)")
        }
        return verifier
    }

    /// Verifies with the kind's verifier; claims of another kind than the evidence are refused.
    public func verify(_ evidence: Evidence, now: Date) throws(AttestationError) -> AttestationClaims {
        let claims = try verifier(for: evidence.kind).verify(evidence, now: now)
        guard claims.kind == evidence.kind else {
            throw AttestationError(
                .malformedEvidence,
                "verifier for \(evidence.kind.rawValue) returned claims of kind \(claims.kind.rawValue)")
        }
        return claims
    }
}
