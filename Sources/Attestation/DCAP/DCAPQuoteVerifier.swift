import Crypto
import Foundation
import X509
import Support

/// What a verified DCAP quote proves: the body, the platform it ran on and the combined TCB.
public struct VerifiedDCAPQuote: Sendable {
    public var quote: DCAPQuote
    public var pck: PCKExtension
    public var tcbInfo: TCBInfo
    public var qeIdentity: QEIdentity
    public var platformTCB: TCBVerdict
    public var qeTCB: TCBVerdict
    /// Platform (and TDX module) status converged with the QE's, as Intel's QVL reports it.
    public var tcb: TCBVerdict
}

/// The DCAP verification both TDX and SGX share: the PCK chain to the Intel SGX Root CA with
/// CRLs, QE report signed by the PCK key, QE report data binding the attestation key, the quote
/// signed by the attestation key, signed collateral, then TCB evaluation.
public struct DCAPQuoteVerifier: Sendable {
    public var trustedRoot: Certificate

    public init(trustedRootDER: [UInt8] = IntelRoots.sgxRootCA) throws(AttestationError) {
        do { trustedRoot = try Certificate(derEncoded: trustedRootDER) } catch {
            throw AttestationError(.untrustedSigner, "trusted root is not a valid X.509 certificate")
        }
    }

    public func verify(quote: DCAPQuote, collateral: DCAPCollateral, now: Date) throws(AttestationError) -> VerifiedDCAPQuote {
        guard quote.header.qeVendorID == QuoteHeader.intelQEVendorID else {
            throw AttestationError(.untrustedSigner, "QE vendor id \(LowercaseHex.encode(quote.header.qeVendorID)) is not Intel's")
        }

        // The PCK chain: embedded in the quote (certification data type 5) or from the caller.
        let certification = quote.qeCertification
        let pckPEM: [UInt8]
        if certification.certificationDataType == QECertificationData.typePCKCertChain {
            pckPEM = certification.certificationData
        } else if let supplied = collateral.pckCertificateChain {
            pckPEM = supplied
        } else {
            throw AttestationError(.collateral, "quote certification data type \(certification.certificationDataType) carries no PCK chain and none was supplied")
        }
        let pckChain = try IntelCertificateChain(pem: pckPEM, leafName: "PCK certificate")
        try pckChain.verify(root: trustedRoot, now: now)

        // Revocation: the root CA CRL covers the intermediates, the PCK CA's CRL the PCK.
        let rootCRL = try CertificateRevocationList(bytes: collateral.rootCACRL, name: "root CA CRL")
        try rootCRL.verify(issuerCertificate: trustedRoot, now: now)
        let pckCRL = try CertificateRevocationList(bytes: collateral.pckCRL, name: "PCK CRL")
        let pckIssuer = try crlIssuer(for: pckCRL, pckChain: pckChain, collateral: collateral, rootCRL: rootCRL, now: now)
        try pckCRL.verify(issuerCertificate: pckIssuer, now: now)
        guard pckChain.leaf.issuer == pckIssuer.subject else {
            throw AttestationError(.collateral, "PCK CRL is from \(pckIssuer.subject), the PCK certificate is issued by \(pckChain.leaf.issuer)")
        }
        try pckChain.checkRevocation(root: trustedRoot, crls: [rootCRL, pckCRL], requireCRLFrom: [trustedRoot.subject, pckIssuer.subject])
        let pck = try PCKExtension(certificate: pckChain.leaf)

        // QE report signed by the PCK key, and its report data binding the attestation key.
        guard let pckKey = P256.Signing.PublicKey(pckChain.leaf.publicKey) else {
            throw AttestationError(.certificateChain, "PCK certificate key is not P-256")
        }
        guard let qeSignature = try? P256.Signing.ECDSASignature(rawRepresentation: certification.qeReportSignature),
            pckKey.isValidSignature(qeSignature, for: certification.qeReport.raw)
        else {
            throw AttestationError(.badSignature, "PCK signature over the QE report does not verify")
        }
        let binding = Array(SHA256.hash(data: quote.attestationKey + certification.qeAuthData))
        guard Array(certification.qeReport.reportData.prefix(32)) == binding,
            certification.qeReport.reportData.suffix(32).allSatisfy({ $0 == 0 })
        else {
            throw AttestationError(.badSignature, "QE report data is not SHA-256(attestation key ‖ QE auth data) ‖ zeros")
        }

        // The quote itself, signed by the attestation key the QE vouched for.
        guard let attestationKey = try? P256.Signing.PublicKey(rawRepresentation: quote.attestationKey) else {
            throw AttestationError(.malformedEvidence, "attestation key is not a P-256 point")
        }
        guard let quoteSignature = try? P256.Signing.ECDSASignature(rawRepresentation: quote.signature),
            attestationKey.isValidSignature(quoteSignature, for: quote.signedBytes)
        else {
            throw AttestationError(.badSignature, "attestation key signature over the quote header and body does not verify")
        }

        // Collateral: signed by Intel's TCB signing key, current at `now`.
        let tcbInfo = try TCBInfo(
            json: try verifiedCollateral(collateral.tcbInfo, chainPEM: collateral.tcbInfoIssuerChain, name: "TCB info", rootCRL: rootCRL, now: now))
        try checkWindow(issued: tcbInfo.issueDate, next: tcbInfo.nextUpdate, name: "TCB info", now: now)
        let qeIdentity = try QEIdentity(
            json: try verifiedCollateral(collateral.qeIdentity, chainPEM: collateral.qeIdentityIssuerChain, name: "QE identity", rootCRL: rootCRL, now: now))
        try checkWindow(issued: qeIdentity.issueDate, next: qeIdentity.nextUpdate, name: "QE identity", now: now)

        let qeTCB = try TCBEvaluation.qe(identity: qeIdentity, report: certification.qeReport, tdx: quote.isTDX)
        let platformTCB = try TCBEvaluation.platform(tcbInfo: tcbInfo, pck: pck, tdReport: quote.body.tdReport)
        let tcb = platformTCB.converged(with: qeTCB)
        if tcb.status == .revoked {
            throw AttestationError(.tcb, "TCB status Revoked (platform \(platformTCB.status.rawValue), QE \(qeTCB.status.rawValue))")
        }
        return VerifiedDCAPQuote(
            quote: quote, pck: pck, tcbInfo: tcbInfo, qeIdentity: qeIdentity, platformTCB: platformTCB, qeTCB: qeTCB, tcb: tcb)
    }

    /// The CA that signed the PCK CRL: the PCK chain's intermediate, or the supplied issuer chain
    /// (verified to the root) when the quote's chain does not hold it.
    func crlIssuer(
        for crl: CertificateRevocationList, pckChain: IntelCertificateChain, collateral: DCAPCollateral,
        rootCRL: CertificateRevocationList, now: Date
    ) throws(AttestationError) -> Certificate {
        if let issuer = pckChain.certificates.first(where: { $0.subject == crl.issuer && $0 != trustedRoot }) {
            return issuer
        }
        guard let pem = collateral.pckCRLIssuerChain else {
            throw AttestationError(.collateral, "PCK CRL issuer \(crl.issuer) is not in the PCK chain and no pck_crl_issuer_chain was given")
        }
        let chain = try IntelCertificateChain(pem: pem, leafName: "PCK CRL issuer")
        try chain.verify(root: trustedRoot, now: now)
        try chain.checkRevocation(root: trustedRoot, crls: [rootCRL], requireCRLFrom: [trustedRoot.subject])
        guard chain.leaf.subject == crl.issuer else {
            throw AttestationError(.collateral, "PCK CRL issuer chain is for \(chain.leaf.subject), the CRL is from \(crl.issuer)")
        }
        return chain.leaf
    }

    /// Verifies the signing chain to the root and the signature over the document's exact bytes.
    func verifiedCollateral(
        _ document: SignedCollateralJSON, chainPEM: [UInt8], name: String, rootCRL: CertificateRevocationList, now: Date
    ) throws(AttestationError) -> [UInt8] {
        let chain = try IntelCertificateChain(pem: chainPEM, leafName: "\(name) signing certificate")
        try chain.verify(root: trustedRoot, now: now)
        try chain.checkRevocation(root: trustedRoot, crls: [rootCRL], requireCRLFrom: [trustedRoot.subject])
        guard let key = P256.Signing.PublicKey(chain.leaf.publicKey) else {
            throw AttestationError(.collateral, "\(name) signing key is not P-256")
        }
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: document.signature),
            key.isValidSignature(signature, for: document.body)
        else {
            throw AttestationError(.badSignature, "\(name) signature does not verify with \(IntelCertificateChain.commonName(chain.leaf))")
        }
        return document.body
    }

    func checkWindow(issued: Date, next: Date, name: String, now: Date) throws(AttestationError) {
        if now < issued { throw AttestationError(.collateral, "\(name) is issued at \(issued.rfc3339), after now") }
        if now > next { throw AttestationError(.expired, "\(name) expired at \(next.rfc3339) (nextUpdate)") }
    }
}
