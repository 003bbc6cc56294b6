import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// An X.509 certificate of AMD's SEV-SNP PKI (ARK, ASK, ASVK, VCEK, VLEK). AMD signs these
/// with RSASSA-PSS (SHA-384, MGF1-SHA-384, salt 48), which swift-certificates refuses at parse
/// time, so the certificate is split by hand (RFC 5280 §4.1) and the PSS signature is checked
/// here over the exact tbsCertificate bytes.
public struct AMDCertificate: Sendable, Hashable {
    public let der: [UInt8]
    /// The exact DER of tbsCertificate: the bytes the issuer signed.
    let tbsCertificate: [UInt8]
    let signatureAlgorithm: [UInt8]
    let signature: [UInt8]
    /// The serial number's INTEGER content bytes as encoded (AMD VCEKs use 0; some test
    /// certificates carry non-positive serials, so no sign rules are enforced here).
    public let serialNumber: [UInt8]
    public let issuer: DistinguishedName
    public let subject: DistinguishedName
    public let notBefore: Date
    public let notAfter: Date
    /// SubjectPublicKeyInfo DER (RSA for ARK/ASK/ASVK, EC P-384 for VCEK/VLEK).
    public let subjectPublicKeyInfo: [UInt8]
    public let extensions: [Certificate.Extension]

    /// `role` names the certificate in errors ("VCEK", "ASK").
    public init(derEncoded der: [UInt8], role: String) throws(AttestationError) {
        self.der = der
        do {
            let root = try DER.parse(der)
            let outer = try Self.children(of: root, role: role, field: "Certificate")
            guard outer.count == 3 else {
                throw AttestationError(.malformedEvidence, "\(role) certificate: Certificate has \(outer.count) elements, expected 3")
            }
            tbsCertificate = Array(outer[0].encodedBytes)
            signatureAlgorithm = Array(outer[1].encodedBytes)
            let bits = try ASN1BitString(derEncoded: outer[2])
            guard bits.paddingBits == 0 else {
                throw AttestationError(.malformedEvidence, "\(role) certificate: signature BIT STRING has padding bits")
            }
            signature = Array(bits.bytes)

            var tbs = try Self.children(of: outer[0], role: role, field: "tbsCertificate")[...]
            // version [0] EXPLICIT, optional (v1 when absent)
            if let first = tbs.first, first.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                tbs = tbs.dropFirst()
            }
            guard tbs.count >= 6 else {
                throw AttestationError(.malformedEvidence, "\(role) certificate: tbsCertificate has \(tbs.count) fields after version, expected at least 6")
            }
            let fields = Array(tbs)
            guard fields[0].identifier == .integer, case .primitive(let serial) = fields[0].content else {
                throw AttestationError(.malformedEvidence, "\(role) certificate: serialNumber is not an INTEGER")
            }
            serialNumber = Array(serial)
            guard Array(fields[1].encodedBytes) == signatureAlgorithm else {
                throw AttestationError(.malformedEvidence, "\(role) certificate: tbsCertificate.signature differs from signatureAlgorithm")
            }
            issuer = try DistinguishedName(derEncoded: fields[2])
            let validity = try Self.children(of: fields[3], role: role, field: "validity")
            guard validity.count == 2 else {
                throw AttestationError(.malformedEvidence, "\(role) certificate: validity has \(validity.count) times, expected 2")
            }
            notBefore = try ASN1Time.date(validity[0], what: "\(role) certificate notBefore")
            notAfter = try ASN1Time.date(validity[1], what: "\(role) certificate notAfter")
            subject = try DistinguishedName(derEncoded: fields[4])
            subjectPublicKeyInfo = Array(fields[5].encodedBytes)
            var exts: [Certificate.Extension] = []
            for field in fields.dropFirst(6)
            where field.identifier == ASN1Identifier(tagWithNumber: 3, tagClass: .contextSpecific) {
                let wrapped = try Self.children(of: field, role: role, field: "extensions")
                guard wrapped.count == 1 else {
                    throw AttestationError(.malformedEvidence, "\(role) certificate: [3] extensions wraps \(wrapped.count) elements")
                }
                for node in try Self.children(of: wrapped[0], role: role, field: "extensions") {
                    exts.append(try Certificate.Extension(derEncoded: node))
                }
            }
            extensions = exts
        } catch let error as AttestationError {
            throw error
        } catch {
            throw AttestationError(.malformedEvidence, "\(role) certificate is not valid DER X.509: \(Self.asn1Reason(error))")
        }
    }

    /// PEM ("-----BEGIN CERTIFICATE-----") or DER.
    public init(pemOrDER bytes: [UInt8], role: String) throws(AttestationError) {
        let certs = try Self.certificates(pemOrDER: bytes, role: role)
        guard certs.count == 1 else {
            throw AttestationError(.malformedEvidence, "\(role): expected one certificate, found \(certs.count)")
        }
        self = certs[0]
    }

    /// A PEM bundle, concatenated DER certificates, or one DER certificate.
    public static func certificates(pemOrDER bytes: [UInt8], role: String) throws(AttestationError) -> [AMDCertificate] {
        if let text = String(validating: bytes, as: UTF8.self), text.contains("-----BEGIN") {
            let docs: [PEMDocument]
            do {
                docs = try PEMDocument.parseMultiple(pemString: text)
            } catch {
                throw AttestationError(.malformedEvidence, "\(role): PEM does not parse")
            }
            var out: [AMDCertificate] = []
            for doc in docs where doc.discriminator == "CERTIFICATE" {
                out.append(try AMDCertificate(derEncoded: Array(doc.derBytes), role: role))
            }
            return out
        }
        // Concatenated DER: walk the outer SEQUENCE lengths.
        var out: [AMDCertificate] = []
        var rest = bytes[...]
        while !rest.isEmpty {
            let length = try derElementLength(rest, role: role, offset: bytes.count - rest.count)
            out.append(try AMDCertificate(derEncoded: Array(rest.prefix(length)), role: role))
            rest = rest.dropFirst(length)
        }
        return out
    }

    /// Total encoded length of the DER element at the start of `bytes`, bounds-checked.
    static func derElementLength(_ bytes: ArraySlice<UInt8>, role: String, offset: Int) throws(AttestationError) -> Int {
        let b = Array(bytes.prefix(6))
        guard b.count >= 2 else {
            throw AttestationError(.malformedEvidence, "\(role): truncated DER header at offset \(offset)")
        }
        var length = 0
        var header = 2
        if b[1] < 0x80 {
            length = Int(b[1])
        } else {
            let n = Int(b[1] & 0x7f)
            guard n >= 1, n <= 4, b.count >= 2 + n else {
                throw AttestationError(.malformedEvidence, "\(role): bad DER length at offset \(offset)")
            }
            for i in 0..<n { length = length << 8 | Int(b[2 + i]) }
            header += n
        }
        guard header + length <= bytes.count else {
            throw AttestationError(.malformedEvidence, "\(role): DER element at offset \(offset) needs \(header + length) bytes, \(bytes.count) left")
        }
        return header + length
    }

    /// The first commonName of the subject ("ARK-Milan", "SEV-VCEK").
    public var subjectCommonName: String? { Self.commonName(subject) }
    public var issuerCommonName: String? { Self.commonName(issuer) }

    static func commonName(_ name: DistinguishedName) -> String? {
        for rdn in name {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                return String(describing: attribute.value)
            }
        }
        return nil
    }

    public func extensionValue(_ oid: ASN1ObjectIdentifier) -> ArraySlice<UInt8>? {
        extensions.first { $0.oid == oid }?.value
    }

    /// Checks `self` was signed by `issuer`'s RSA key with RSASSA-PSS/SHA-384/salt 48, the only
    /// algorithm AMD uses for its SEV-SNP certificates.
    public func verifySignature(issuedBy issuer: AMDCertificate, role: String) throws(AttestationError) {
        try AMDSignatureAlgorithm.requirePSSSHA384(signatureAlgorithm, what: "\(role) certificate")
        let key: _RSA.Signing.PublicKey
        do {
            key = try _RSA.Signing.PublicKey(derRepresentation: issuer.subjectPublicKeyInfo)
        } catch {
            throw AttestationError(.certificateChain, "\(issuer.subjectCommonName ?? "issuer") public key is not an RSA key of at least 2048 bits")
        }
        let signature = _RSA.Signing.RSASignature(rawRepresentation: signature)
        guard key.isValidSignature(signature, for: SHA384.hash(data: tbsCertificate), padding: .PSS) else {
            throw AttestationError(
                .certificateChain,
                "\(role) certificate signature by \(issuer.subjectCommonName ?? "issuer") does not verify")
        }
    }

    /// Validity at `now`, inclusive of both ends (RFC 5280 §4.1.2.5).
    public func checkValidity(at now: Date, role: String) throws(AttestationError) {
        if now < notBefore {
            throw AttestationError(.expired, "\(role) certificate not valid before \(ASN1Time.text(notBefore))")
        }
        if now > notAfter {
            throw AttestationError(.expired, "\(role) certificate expired at \(ASN1Time.text(notAfter))")
        }
    }

    static func children(of node: ASN1Node, role: String, field: String) throws(AttestationError) -> [ASN1Node] {
        guard case .constructed(let nodes) = node.content else {
            throw AttestationError(.malformedEvidence, "\(role) certificate: \(field) is not a constructed element")
        }
        return Array(nodes)
    }

    static func asn1Reason(_ error: any Error) -> String {
        if let e = error as? ASN1Error { return "\(e.code)" }
        return "unparseable"
    }
}
