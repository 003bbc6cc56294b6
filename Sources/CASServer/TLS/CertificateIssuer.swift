import Crypto
import Foundation
import SwiftASN1
import X509

/// Issues the CAS's own CA (P-256, 10 years) and a server certificate under it (P-256, 2 years).
/// The CA key signs once and is dropped: a different host set needs a new CA, chosen by the operator.
enum CertificateIssuer {
    struct Issued {
        var caPEM: String
        var serverPEM: String
        var serverKeyPEM: String
    }

    static func issue(hosts: [String], now: Date) throws(CASServerError) -> Issued {
        do {
            let caKey = P256.Signing.PrivateKey()
            let caName = try DistinguishedName {
                OrganizationName("Strongroom")
                CommonName("Strongroom CAS CA")
            }
            let notBefore = now.addingTimeInterval(-300)
            let ca = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
                notValidBefore: notBefore, notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
                issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: .init(caKey.publicKey))
                },
                issuerPrivateKey: .init(caKey))

            let serverKey = P256.Signing.PrivateKey()
            let sans = hosts.map { host -> GeneralName in
                if let ip = HostAddress.ipBytes(host) { return .ipAddress(ASN1OctetString(contentBytes: ip[...])) }
                return .dnsName(host)
            }
            let server = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(serverKey.publicKey),
                notValidBefore: notBefore, notValidAfter: now.addingTimeInterval(2 * 365 * 86_400),
                issuer: caName,
                subject: try DistinguishedName {
                    OrganizationName("Strongroom")
                    CommonName("Strongroom CAS")
                },
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([.serverAuth])
                    SubjectAlternativeNames(sans)
                    SubjectKeyIdentifier(hash: .init(serverKey.publicKey))
                    AuthorityKeyIdentifier(keyIdentifier: try ca.extensions.subjectKeyIdentifier?.keyIdentifier)
                },
                issuerPrivateKey: .init(caKey))
            return Issued(
                caPEM: try ca.serializeAsPEM().pemString,
                serverPEM: try server.serializeAsPEM().pemString,
                serverKeyPEM: serverKey.pemRepresentation)
        } catch {
            throw CASServerError(.tlsMaterial, "cannot issue the CAS certificates: \(type(of: error))")
        }
    }
}
