import Foundation
import SwiftASN1
import X509
import Support

/// An X.509 v2 CRL (RFC 5280 §5) as Intel PCS publishes them: the Root CA CRL (revokes
/// intermediate CAs) and the PCK Processor/Platform CA CRLs (revoke PCK certificates).
/// swift-certificates has no CRL type, so the few fields DCAP needs are read with SwiftASN1.
public struct CertificateRevocationList: Sendable {
    public var issuer: DistinguishedName
    public var thisUpdate: Date
    public var nextUpdate: Date?
    /// Revoked serial numbers, big-endian magnitude without leading zeros.
    public var revokedSerials: Set<[UInt8]>
    let tbsBytes: [UInt8]
    let signatureAlgorithm: ASN1ObjectIdentifier
    let signature: [UInt8]
    /// Names the CRL in errors ("root CA CRL", "PCK CRL").
    public var name: String

    static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]

    /// Accepts DER, PEM (`X509 CRL`) or hex text of DER (the dcap-qvl collateral format).
    public init(bytes: [UInt8], name: String) throws(AttestationError) {
        self.name = name
        let der = try Self.der(from: bytes, name: name)
        let code = AttestationError.Code.collateral
        let root = try DERWalk.parse(der, name, code: code)
        let outer = try DERWalk.children(root, name, code: code)
        guard outer.count == 3 else { throw AttestationError(code, "\(name): CertificateList has \(outer.count) parts, not 3") }
        tbsBytes = Array(outer[0].encodedBytes)
        let algorithm = try DERWalk.children(outer[1], "\(name) signatureAlgorithm", code: code)
        guard let algorithmOID = algorithm.first else { throw AttestationError(code, "\(name): empty signatureAlgorithm") }
        signatureAlgorithm = try DERWalk.oid(algorithmOID, "\(name) signatureAlgorithm", code: code)
        do { signature = Array(try ASN1BitString(derEncoded: outer[2]).bytes) } catch {
            throw AttestationError(code, "\(name): signatureValue is not a BIT STRING")
        }

        var tbs = try DERWalk.children(outer[0], "\(name) tbsCertList", code: code)[...]
        if let first = tbs.first, first.identifier == .integer { tbs = tbs.dropFirst() }  // version v2
        guard tbs.count >= 3 else { throw AttestationError(code, "\(name): tbsCertList too short") }
        tbs = tbs.dropFirst()  // inner signature algorithm; the outer one is checked
        do { issuer = try DistinguishedName(derEncoded: tbs.removeFirst()) } catch {
            throw AttestationError(code, "\(name): issuer is not a Name")
        }
        thisUpdate = try DERWalk.time(tbs.removeFirst(), "\(name) thisUpdate", code: code)
        nextUpdate = nil
        if let next = tbs.first, next.identifier == .utcTime || next.identifier == .generalizedTime {
            nextUpdate = try DERWalk.time(tbs.removeFirst(), "\(name) nextUpdate", code: code)
        }
        var serials = Set<[UInt8]>()
        if let list = tbs.first, list.identifier == .sequence {
            for entry in try DERWalk.children(list, "\(name) revokedCertificates", code: code) {
                let fields = try DERWalk.children(entry, "\(name) revoked entry", code: code)
                guard let serial = fields.first, serial.identifier == .integer else {
                    throw AttestationError(code, "\(name): revoked entry without serial number")
                }
                serials.insert(Self.magnitude(try DERWalk.primitive(serial, "\(name) serial", code: code)))
            }
        }
        revokedSerials = serials
    }

    /// Checks the CRL's signature by `issuerCertificate` and that `now` is inside its window.
    public func verify(issuerCertificate: Certificate, now: Date) throws(AttestationError) {
        guard issuer == issuerCertificate.subject else {
            throw AttestationError(.collateral, "\(name) is issued by \(issuer), not by \(issuerCertificate.subject)")
        }
        guard signatureAlgorithm == Self.ecdsaWithSHA256 else {
            throw AttestationError(.collateral, "\(name) signature algorithm \(signatureAlgorithm) is not ecdsa-with-SHA256")
        }
        guard issuerCertificate.publicKey.isValidSignature(signature, for: tbsBytes, signatureAlgorithm: .ecdsaWithSHA256) else {
            throw AttestationError(.badSignature, "\(name) signature does not verify with \(issuerCertificate.subject)")
        }
        guard now >= thisUpdate else {
            throw AttestationError(.collateral, "\(name) is not valid before \(thisUpdate.rfc3339)")
        }
        if let nextUpdate, now > nextUpdate {
            throw AttestationError(.expired, "\(name) expired at \(nextUpdate.rfc3339)")
        }
    }

    public func isRevoked(_ certificate: Certificate) -> Bool {
        revokedSerials.contains(Self.magnitude(certificate.serialNumber.bytes))
    }

    static func magnitude(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        Array(bytes.drop(while: { $0 == 0 }))
    }

    private static func der(from bytes: [UInt8], name: String) throws(AttestationError) -> [UInt8] {
        if bytes.first == 0x30 { return bytes }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("-----BEGIN") {
            guard let document = try? PEMDocument(pemString: text) else {
                throw AttestationError(.collateral, "\(name) is not a valid PEM document")
            }
            return document.derBytes
        }
        if let der = LowercaseHex.decode(text), der.first == 0x30 { return der }
        throw AttestationError(.collateral, "\(name) is neither DER, PEM nor hex DER")
    }
}
