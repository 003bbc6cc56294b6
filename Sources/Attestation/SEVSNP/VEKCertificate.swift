import Crypto
import SwiftASN1
import X509

/// A versioned endorsement key certificate: the chip's VCEK (per chip and TCB) or a cloud
/// provider's VLEK, with AMD's extensions (AMD 57230 "VCEK Certificate Extensions"):
/// 1.3.6.1.4.1.3704.1.1 structVersion, .1.2 productName, .1.3.1 blSPL, .1.3.2 teeSPL,
/// .1.3.3 snpSPL, .1.3.8 ucodeSPL, .1.3.9 fmcSPL (Turin), .1.4 hwID (VCEK), .1.5 cspID (VLEK).
public struct VEKCertificate: Sendable {
    public enum Kind: String, Sendable, Hashable { case vcek = "VCEK", vlek = "VLEK" }

    public let certificate: AMDCertificate
    public let kind: Kind
    public let productName: String?
    public let bootloaderSPL: UInt8
    public let teeSPL: UInt8
    public let snpSPL: UInt8
    public let microcodeSPL: UInt8
    public let fmcSPL: UInt8?
    /// VCEK only: the chip the key belongs to (64 bytes; 8 on Turin).
    public let hardwareID: [UInt8]?
    /// VLEK only: the cloud service provider the key was issued to.
    public let cspID: String?
    public let publicKey: P384.Signing.PublicKey

    /// AMD's arc 1.3.6.1.4.1.3704.1 plus `tail`; the arcs are constants, so the checked
    /// initializer cannot fail here.
    static func oid(_ tail: UInt...) -> ASN1ObjectIdentifier {
        (try? ASN1ObjectIdentifier(elements: [1, 3, 6, 1, 4, 1, 3704, 1] + tail)) ?? [0, 0]
    }

    public init(_ certificate: AMDCertificate) throws(AttestationError) {
        self.certificate = certificate
        switch certificate.subjectCommonName {
        case "SEV-VCEK": kind = .vcek
        case "SEV-VLEK": kind = .vlek
        default:
            throw AttestationError(
                .certificateChain, "certificate \(certificate.subjectCommonName ?? "without CN") is neither a VCEK nor a VLEK")
        }
        let role = kind.rawValue
        productName = try Self.string(certificate.extensionValue(Self.oid(2)), role: role, field: "productName")
        bootloaderSPL = try Self.spl(certificate, 1, "blSPL")
        teeSPL = try Self.spl(certificate, 2, "teeSPL")
        snpSPL = try Self.spl(certificate, 3, "snpSPL")
        microcodeSPL = try Self.spl(certificate, 8, "ucodeSPL")
        if certificate.extensionValue(Self.oid(3, 9)) != nil {
            fmcSPL = try Self.spl(certificate, 9, "fmcSPL")
        } else {
            fmcSPL = nil
        }
        if let raw = certificate.extensionValue(Self.oid(4)) {
            // KDS first wrote hwID as 64 raw bytes, later as a DER OCTET STRING; accept both.
            if let octets = try? ASN1OctetString(derEncoded: Array(raw)),
                octets.bytes.count == 64 || octets.bytes.count == 8
            {
                hardwareID = Array(octets.bytes)
            } else if raw.count == 64 || raw.count == 8 {
                hardwareID = Array(raw)
            } else {
                throw AttestationError(.malformedEvidence, "VCEK hwID extension has \(raw.count) bytes, expected 64 (or 8 on Turin)")
            }
        } else {
            hardwareID = nil
        }
        cspID = try Self.string(certificate.extensionValue(Self.oid(5)), role: role, field: "cspID")
        do {
            publicKey = try P384.Signing.PublicKey(derRepresentation: certificate.subjectPublicKeyInfo)
        } catch {
            throw AttestationError(.malformedEvidence, "\(role) public key is not an EC P-384 key")
        }
        if kind == .vcek, hardwareID == nil {
            throw AttestationError(.malformedEvidence, "VCEK has no hwID extension (1.3.6.1.4.1.3704.1.4)")
        }
    }

    /// The TCB this key was derived for (fmc only on Turin certificates).
    public var tcb: SNPTCB {
        SNPTCB(bootloader: bootloaderSPL, tee: teeSPL, snp: snpSPL, microcode: microcodeSPL, fmc: fmcSPL)
    }

    private static func spl(_ cert: AMDCertificate, _ index: UInt, _ name: String) throws(AttestationError) -> UInt8 {
        guard let raw = cert.extensionValue(oid(3, index)) else {
            throw AttestationError(.malformedEvidence, "VEK certificate has no \(name) extension (1.3.6.1.4.1.3704.1.3.\(index))")
        }
        do {
            let value = try Int(derEncoded: DER.parse(Array(raw)))
            guard let spl = UInt8(exactly: value) else {
                throw AttestationError(.malformedEvidence, "VEK certificate \(name) \(value) is out of range 0–255")
            }
            return spl
        } catch let error as AttestationError {
            throw error
        } catch {
            throw AttestationError(.malformedEvidence, "VEK certificate \(name) extension is not a DER INTEGER")
        }
    }

    private static func string(_ raw: ArraySlice<UInt8>?, role: String, field: String) throws(AttestationError) -> String? {
        guard let raw else { return nil }
        do {
            let node = try DER.parse(Array(raw))
            guard case .primitive(let bytes) = node.content, let text = String(validating: bytes, as: UTF8.self) else {
                throw AttestationError(.malformedEvidence, "\(role) \(field) extension is not a string")
            }
            return text
        } catch let error as AttestationError {
            throw error
        } catch {
            throw AttestationError(.malformedEvidence, "\(role) \(field) extension is not DER")
        }
    }
}
