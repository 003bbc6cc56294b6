import Crypto

/// The report's ECDSA P-384/SHA-384 signature (AMD 56860 Table 139): r and s are stored as
/// 72-byte little-endian integers; P-384 needs 48 big-endian bytes each.
enum SNPReportSignature {
    static func verify(_ report: SNPReport, with key: P384.Signing.PublicKey, signer: String) throws(AttestationError) {
        guard report.signatureAlgorithm == 1 else {
            throw AttestationError(.badSignature, "SNP report signature algorithm \(report.signatureAlgorithm) is not ECDSA P-384/SHA-384 (1)")
        }
        guard let r = bigEndian48(report.signatureR), let s = bigEndian48(report.signatureS) else {
            throw AttestationError(.badSignature, "SNP report signature r or s exceeds 384 bits")
        }
        let signature: P384.Signing.ECDSASignature
        do {
            signature = try P384.Signing.ECDSASignature(rawRepresentation: r + s)
        } catch {
            throw AttestationError(.badSignature, "SNP report signature is not a valid P-384 signature")
        }
        guard key.isValidSignature(signature, for: SHA384.hash(data: report.signedBytes)) else {
            throw AttestationError(.badSignature, "\(signer) signature over SNP report does not verify")
        }
    }

    private static func bigEndian48(_ littleEndian72: [UInt8]) -> [UInt8]? {
        let be = Array(littleEndian72.reversed())
        guard be.count == 72, be.prefix(24).allSatisfy({ $0 == 0 }) else { return nil }
        return Array(be.suffix(48))
    }
}
