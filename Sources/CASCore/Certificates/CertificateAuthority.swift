import Crypto
import Foundation
import SwiftASN1
import X509

/// A small X.509 CA (P-256, ECDSA-SHA256): the CAS's TLS CA and each policy's own CA for
/// `x509` secrets. It issues leaf certificates for server and client authentication (mTLS
/// between attested workers), with DNS and IP subject alternative names.
public struct CertificateAuthority: Sendable {
    public let certificate: Certificate
    private let key: P256.Signing.PrivateKey

    public init(certificate: Certificate, key: P256.Signing.PrivateKey) {
        self.certificate = certificate
        self.key = key
    }

    /// A new self-signed CA valid for `years`.
    public static func create(commonName: String, organization: String = "Strongroom", years: Int = 10, now: Date) throws(CASError) -> CertificateAuthority {
        let key = P256.Signing.PrivateKey()
        do {
            let name = try DistinguishedName {
                OrganizationName(organization)
                CommonName(commonName)
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
                notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(Double(years) * 365 * 86_400),
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: .init(key.publicKey))
                },
                issuerPrivateKey: .init(key))
            return CertificateAuthority(certificate: certificate, key: key)
        } catch {
            throw CASError(.internalFailure, "cannot create the CA \"\(commonName)\": \(type(of: error))")
        }
    }

    /// The CA from its PEM certificate and PEM (PKCS#8 or SEC1) key.
    public init(certificatePEM: String, keyPEM: String) throws(CASError) {
        do {
            certificate = try Certificate(pemEncoded: certificatePEM)
            key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
        } catch {
            throw CASError(.corruptStore, "stored CA certificate or key does not parse")
        }
    }

    public var certificatePEM: String { (try? certificate.serializeAsPEM().pemString) ?? "" }
    public var keyPEM: String { key.pemRepresentation }

    public struct Leaf: Sendable {
        public var certificatePEM: String
        public var keyPEM: String
    }

    public enum Usage: Sendable { case server, client, serverAndClient }

    /// A leaf certificate with a fresh P-256 key. `names` become SANs: IP literals as IP
    /// addresses, everything else as DNS names.
    public func issue(commonName: String, names: [String], usage: Usage = .serverAndClient, days: Int = 730, now: Date) throws(CASError) -> Leaf {
        let leafKey = P256.Signing.PrivateKey()
        do {
            let sans = names.map { name -> GeneralName in
                if let ip = Self.ipBytes(name) { return .ipAddress(ASN1OctetString(contentBytes: ip[...])) }
                return .dnsName(name)
            }
            let purposes: [ExtendedKeyUsage.Usage] = switch usage {
            case .server: [.serverAuth]
            case .client: [.clientAuth]
            case .serverAndClient: [.serverAuth, .clientAuth]
            }
            let issuerSKI = try certificate.extensions.subjectKeyIdentifier?.keyIdentifier
            let leaf = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(leafKey.publicKey),
                notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(Double(days) * 86_400),
                issuer: certificate.subject,
                subject: try DistinguishedName { CommonName(commonName) },
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage(purposes)
                    if !sans.isEmpty { SubjectAlternativeNames(sans) }
                    SubjectKeyIdentifier(hash: .init(leafKey.publicKey))
                    if let issuerSKI { AuthorityKeyIdentifier(keyIdentifier: issuerSKI) }
                },
                issuerPrivateKey: .init(key))
            return Leaf(certificatePEM: try leaf.serializeAsPEM().pemString, keyPEM: leafKey.pemRepresentation)
        } catch {
            throw CASError(.internalFailure, "cannot issue a certificate for \"\(commonName)\": \(type(of: error))")
        }
    }

    /// IPv4 dotted quads and IPv6 literals as network-order bytes; nil for host names.
    public static func ipBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
