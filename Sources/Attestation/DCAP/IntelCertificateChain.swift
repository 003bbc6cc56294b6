import Foundation
import SwiftASN1
import X509
import Support

/// A certificate chain up to the Intel SGX Root CA: the PCK chain inside a quote (PCK ←
/// Processor/Platform CA ← Root) and the issuer chains of TCB info, QE identity and the PCK CRL
/// (TCB Signing ← Root). Validated by hand because the sizes are fixed and small, and because
/// swift-certificates' `Verifier` is async while `EvidenceVerifier.verify` is not.
public struct IntelCertificateChain: Sendable {
    /// Leaf first, as PCS and quotes list them; the root may or may not be included.
    public var certificates: [Certificate]
    /// Names the chain's leaf in errors ("PCK certificate", "TCB signing certificate").
    public var leafName: String

    public var leaf: Certificate { certificates[0] }

    public init(pem: [UInt8], leafName: String) throws(AttestationError) {
        self.leafName = leafName
        // Type-5 certification data ends with a NUL in some quotes; PEM parsing ignores it once trimmed.
        let text = String(decoding: pem.filter { $0 != 0 }, as: UTF8.self)
        let documents: [PEMDocument]
        do { documents = try PEMDocument.parseMultiple(pemString: text) } catch {
            throw AttestationError(.certificateChain, "\(leafName) chain is not a valid PEM certificate list")
        }
        var certificates: [Certificate] = []
        for (index, document) in documents.enumerated() {
            guard document.discriminator == "CERTIFICATE" else {
                throw AttestationError(.certificateChain, "\(leafName) chain entry \(index) is a \(document.discriminator), not a CERTIFICATE")
            }
            do { certificates.append(try Certificate(derEncoded: document.derBytes)) } catch {
                throw AttestationError(.certificateChain, "\(leafName) chain entry \(index) is not a valid X.509 certificate")
            }
        }
        guard !certificates.isEmpty else { throw AttestationError(.certificateChain, "\(leafName) chain is empty") }
        self.certificates = certificates
    }

    public init(certificates: [Certificate], leafName: String) throws(AttestationError) {
        guard !certificates.isEmpty else { throw AttestationError(.certificateChain, "\(leafName) chain is empty") }
        self.certificates = certificates
        self.leafName = leafName
    }

    /// The chain without copies of `root`, leaf first.
    func path(to root: Certificate) -> [Certificate] {
        var path = certificates
        while let last = path.last, last == root { path.removeLast() }
        return path
    }

    /// Signatures, names, CA flags and validity of every link up to `root` at `now`.
    public func verify(root: Certificate, now: Date) throws(AttestationError) {
        let path = path(to: root)
        guard !path.isEmpty else { throw AttestationError(.certificateChain, "\(leafName) chain holds only the root") }
        try Self.checkValidity(root, name: "root \(Self.commonName(root))", now: now)
        for (index, certificate) in path.enumerated() {
            let name = index == 0 ? leafName : Self.commonName(certificate)
            let issuer = index + 1 < path.count ? path[index + 1] : root
            guard certificate.issuer == issuer.subject else {
                if index + 1 == path.count {
                    throw AttestationError(.untrustedSigner, "\(name) is issued by \(certificate.issuer), not by the trusted \(Self.commonName(root))")
                }
                throw AttestationError(.certificateChain, "\(name) is issued by \(certificate.issuer), but the next certificate is \(issuer.subject)")
            }
            guard issuer.publicKey.isValidSignature(certificate.signature, for: certificate) else {
                throw AttestationError(
                    index + 1 == path.count ? .untrustedSigner : .badSignature,
                    "\(name) signature does not verify with \(Self.commonName(issuer))")
            }
            let constraints = try? issuer.extensions.basicConstraints
            guard case .isCertificateAuthority = constraints else {
                throw AttestationError(.certificateChain, "\(Self.commonName(issuer)) signs \(name) but is not a CA")
            }
            try Self.checkValidity(certificate, name: name, now: now)
        }
    }

    /// Each certificate below `root` against the (already verified) CRL its issuer published; a
    /// CRL must be given for every issuer in `requireCRLFrom`.
    public func checkRevocation(
        root: Certificate, crls: [CertificateRevocationList], requireCRLFrom: [DistinguishedName]
    ) throws(AttestationError) {
        for (index, certificate) in path(to: root).enumerated() {
            let name = index == 0 ? leafName : Self.commonName(certificate)
            if let crl = crls.first(where: { $0.issuer == certificate.issuer }) {
                if crl.isRevoked(certificate) {
                    throw AttestationError(.revoked, "\(name) (serial \(LowercaseHex.encode(certificate.serialNumber.bytes))) is revoked by \(crl.name)")
                }
            } else if requireCRLFrom.contains(certificate.issuer) {
                throw AttestationError(.collateral, "no CRL from \(certificate.issuer) to check \(name)")
            }
        }
    }

    static func checkValidity(_ certificate: Certificate, name: String, now: Date) throws(AttestationError) {
        if now < certificate.notValidBefore {
            throw AttestationError(.certificateChain, "\(name) is not valid before \(certificate.notValidBefore.rfc3339)")
        }
        if now > certificate.notValidAfter {
            throw AttestationError(.expired, "\(name) expired at \(certificate.notValidAfter.rfc3339)")
        }
    }

    static func commonName(_ certificate: Certificate) -> String {
        for rdn in certificate.subject {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                return "\(attribute.value)"
            }
        }
        return "\(certificate.subject)"
    }
}
