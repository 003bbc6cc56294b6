import Foundation

/// VCEK → ASK → ARK or VLEK → ASVK → ARK, checked against the trusted ARK of the product the
/// VEK's issuer names. The ASK/ASVK may come from the caller's collateral (`cert_chain`), but
/// it must be signed by the trusted ARK; an ARK in the collateral must be the trusted one.
public struct AMDCertificateChain: Sendable {
    public let product: SNPProduct
    public let ark: AMDCertificate
    /// The ASK (VCEK) or ASVK (VLEK) that signed the VEK.
    public let intermediate: AMDCertificate
    public let vek: VEKCertificate

    public init(
        vek: VEKCertificate, supplied: [AMDCertificate], roots: AMDRootSet, now: Date
    ) throws(AttestationError) {
        let role = vek.kind.rawValue
        guard let issuerCN = vek.certificate.issuerCommonName, let product = SNPProduct(certificateCommonName: issuerCN) else {
            throw AttestationError(
                .untrustedSigner, "\(role) issuer \(vek.certificate.issuerCommonName ?? "without CN") is not an AMD SEV signing key")
        }
        guard let trusted = roots.products[product] else {
            throw AttestationError(.untrustedSigner, "no trusted AMD root for \(product.rawValue)")
        }
        let expectedIntermediate = vek.kind == .vcek ? "SEV-\(product.rawValue)" : "SEV-VLEK-\(product.rawValue)"
        guard issuerCN == expectedIntermediate else {
            throw AttestationError(.certificateChain, "\(role) is issued by \(issuerCN), expected \(expectedIntermediate)")
        }
        for cert in supplied where cert.subjectCommonName == "ARK-\(product.rawValue)" && cert.der != trusted.ark.der {
            throw AttestationError(.untrustedSigner, "supplied ARK-\(product.rawValue) is not the trusted AMD root")
        }
        let bundledIntermediate = vek.kind == .vcek ? trusted.ask : trusted.asvk
        var candidates = supplied.filter { $0.subjectCommonName == expectedIntermediate }
        if let bundledIntermediate { candidates.append(bundledIntermediate) }
        guard !candidates.isEmpty else {
            throw AttestationError(.certificateChain, "no \(expectedIntermediate) certificate to verify the \(role)")
        }

        let ark = trusted.ark
        try ark.verifySignature(issuedBy: ark, role: "ARK-\(product.rawValue)")
        try ark.checkValidity(at: now, role: "ARK-\(product.rawValue)")

        // Take the first candidate the ARK signed and that signed the VEK; report the first
        // candidate's failure when none does (usually the only one).
        var firstError: AttestationError?
        var chosen: AMDCertificate?
        for candidate in candidates {
            do throws(AttestationError) {
                guard vek.certificate.issuer == candidate.subject else {
                    throw AttestationError(.certificateChain, "\(role) issuer name differs from the \(candidate.subjectCommonName ?? "intermediate") subject")
                }
                guard candidate.issuer == ark.subject else {
                    throw AttestationError(.certificateChain, "\(expectedIntermediate) is not issued by \(ark.subjectCommonName ?? "the ARK")")
                }
                try candidate.verifySignature(issuedBy: ark, role: expectedIntermediate)
                try vek.certificate.verifySignature(issuedBy: candidate, role: role)
                chosen = candidate
                break
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        guard let chosen else {
            throw firstError ?? AttestationError(.certificateChain, "\(role) chain does not verify")
        }
        try chosen.checkValidity(at: now, role: expectedIntermediate)
        try vek.certificate.checkValidity(at: now, role: role)

        self.product = product
        self.ark = ark
        self.intermediate = chosen
        self.vek = vek
    }
}
