import Foundation

extension DCAPQuoteVerifier {
    /// The steps the SGX and TDX verifiers share: the evidence must be of `kind`, parse as a DCAP
    /// quote whose body `select` accepts (else `wrongBody` is the refusal), and verify against the
    /// collateral it carries at `now`.
    func verify<Body>(_ evidence: Evidence, as kind: TEEKind, now: Date, wrongBody: String,
                      select: (QuoteBody) -> Body?) throws(AttestationError) -> (body: Body, verified: VerifiedDCAPQuote) {
        guard evidence.kind == kind else {
            throw AttestationError(.unsupportedKind, "\(kind.rawValue.uppercased()) verifier given \(evidence.kind.rawValue) evidence")
        }
        let quote = try DCAPQuote(bytes: evidence.report)
        guard let body = select(quote.body) else { throw AttestationError(.unsupportedKind, wrongBody) }
        let verified = try verify(quote: quote, collateral: DCAPCollateral(evidenceCollateral: evidence.collateral), now: now)
        return (body, verified)
    }
}
