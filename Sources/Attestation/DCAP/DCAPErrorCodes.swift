/// Error codes the DCAP verifiers add to the shared `AttestationError.Code` set.
extension AttestationErrorCode {
    /// Collateral (TCB info, QE identity, CRLs, issuer chains) is missing, malformed, for another
    /// platform, or signed by the wrong key. Collateral past its nextUpdate uses `.expired`.
    public static let collateral = AttestationErrorCode("collateral")
    /// A certificate in a chain is listed in a CRL.
    public static let revoked = AttestationErrorCode("revoked")
}
