import Crypto
import Foundation
import SwiftASN1
import _CryptoExtras

/// AMD's CRL for a product (KDS `/vcek/v1/<product>/crl`, `/vlek/v1/<product>/crl`): signed by
/// the ARK with RSASSA-PSS, lists revoked ASK/ASVK (and VEK) serial numbers. Parsed by hand
/// like AMDCertificate (RFC 5280 §5.1) because of the PSS signature.
public struct AMDRevocationList: Sendable, Hashable {
    public let der: [UInt8]
    let tbsCertList: [UInt8]
    let signatureAlgorithm: [UInt8]
    let signature: [UInt8]
    public let issuerCommonName: String?
    public let thisUpdate: Date
    public let nextUpdate: Date?
    /// INTEGER content bytes of each revoked serial number, as encoded.
    public let revokedSerials: [[UInt8]]

    public init(derEncoded der: [UInt8]) throws(AttestationError) {
        self.der = der
        let role = "CRL"
        do {
            let root = try DER.parse(der)
            let outer = try AMDCertificate.children(of: root, role: role, field: "CertificateList")
            guard outer.count == 3 else {
                throw AttestationError(.malformedEvidence, "CRL: CertificateList has \(outer.count) elements, expected 3")
            }
            tbsCertList = Array(outer[0].encodedBytes)
            signatureAlgorithm = Array(outer[1].encodedBytes)
            signature = Array(try ASN1BitString(derEncoded: outer[2]).bytes)
            var fields = try AMDCertificate.children(of: outer[0], role: role, field: "tbsCertList")[...]
            if fields.first?.identifier == .integer { fields = fields.dropFirst() }  // version v2
            let f = Array(fields)
            guard f.count >= 3 else {
                throw AttestationError(.malformedEvidence, "CRL: tbsCertList has \(f.count) fields, expected at least 3")
            }
            guard Array(f[0].encodedBytes) == signatureAlgorithm else {
                throw AttestationError(.malformedEvidence, "CRL: tbsCertList.signature differs from signatureAlgorithm")
            }
            issuerCommonName = AMDCertificate.commonName(try .init(derEncoded: f[1]))
            thisUpdate = try ASN1Time.date(f[2], what: "CRL thisUpdate")
            var index = 3
            if index < f.count, f[index].identifier == .utcTime || f[index].identifier == .generalizedTime {
                nextUpdate = try ASN1Time.date(f[index], what: "CRL nextUpdate")
                index += 1
            } else {
                nextUpdate = nil
            }
            var serials: [[UInt8]] = []
            if index < f.count, f[index].identifier == .sequence {
                for entry in try AMDCertificate.children(of: f[index], role: role, field: "revokedCertificates") {
                    let parts = try AMDCertificate.children(of: entry, role: role, field: "revokedCertificates entry")
                    guard let first = parts.first, first.identifier == .integer, case .primitive(let serial) = first.content else {
                        throw AttestationError(.malformedEvidence, "CRL: revoked entry without a serial number")
                    }
                    serials.append(Array(serial))
                }
            }
            revokedSerials = serials
        } catch let error as AttestationError {
            throw error
        } catch {
            throw AttestationError(.malformedEvidence, "CRL is not valid DER: \(AMDCertificate.asn1Reason(error))")
        }
    }

    /// The CRL must be signed by `ark` and current at `now`.
    public func verify(issuedBy ark: AMDCertificate, now: Date) throws(AttestationError) {
        guard issuerCommonName == ark.subjectCommonName else {
            throw AttestationError(
                .certificateChain, "CRL issuer \(issuerCommonName ?? "without CN") is not \(ark.subjectCommonName ?? "the ARK")")
        }
        try AMDSignatureAlgorithm.requirePSSSHA384(signatureAlgorithm, what: "CRL")
        guard let key = try? _RSA.Signing.PublicKey(derRepresentation: ark.subjectPublicKeyInfo),
            key.isValidSignature(.init(rawRepresentation: signature), for: SHA384.hash(data: tbsCertList), padding: .PSS)
        else {
            throw AttestationError(.certificateChain, "CRL signature by \(ark.subjectCommonName ?? "ARK") does not verify")
        }
        if now < thisUpdate {
            throw AttestationError(.expired, "CRL not valid before \(ASN1Time.text(thisUpdate))")
        }
        if let nextUpdate, now > nextUpdate {
            throw AttestationError(.expired, "CRL expired at \(ASN1Time.text(nextUpdate))")
        }
    }

    public func isRevoked(_ certificate: AMDCertificate) -> Bool {
        revokedSerials.map(Self.normalized).contains(Self.normalized(certificate.serialNumber))
    }

    /// INTEGER contents without redundant leading zero bytes, so 00 01 and 01 compare equal.
    static func normalized(_ serial: [UInt8]) -> [UInt8] {
        var s = serial[...]
        while s.count > 1, s.first == 0 { s = s.dropFirst() }
        return Array(s)
    }
}
