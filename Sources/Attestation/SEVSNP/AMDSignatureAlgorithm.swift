import SwiftASN1

/// AMD's certificate and CRL signature algorithm: RSASSA-PSS (1.2.840.113549.1.1.10) with
/// SHA-384, MGF1-SHA-384 and a 48-byte salt (AMD 57230 §2). Anything else is refused rather
/// than verified with different parameters.
enum AMDSignatureAlgorithm {
    static let rsassaPSS: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 10]
    static let sha384: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 2]
    static let mgf1: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 8]

    static func requirePSSSHA384(_ algorithmIdentifier: [UInt8], what: String) throws(AttestationError) {
        let refused = AttestationError(
            .certificateChain, "\(what) is not signed with RSASSA-PSS/SHA-384/salt 48")
        do {
            let node = try DER.parse(algorithmIdentifier)
            guard case .constructed(let parts) = node.content else { throw refused }
            var it = parts.makeIterator()
            guard let oidNode = it.next(), try ASN1ObjectIdentifier(derEncoded: oidNode) == rsassaPSS,
                let params = it.next(), case .constructed(let fields) = params.content
            else { throw refused }
            var hashOK = false, mgfOK = false, saltOK = false
            for field in fields {
                guard case .constructed(let inner) = field.content, let value = Array(inner).first else { throw refused }
                switch field.identifier.tagNumber {
                case 0:  // hashAlgorithm AlgorithmIdentifier
                    hashOK = try firstOID(value) == sha384
                case 1:  // maskGenAlgorithm: MGF1 with SHA-384
                    guard case .constructed(let mgf) = value.content else { throw refused }
                    let mgfParts = Array(mgf)
                    guard mgfParts.count == 2 else { throw refused }
                    let mgfOID = try ASN1ObjectIdentifier(derEncoded: mgfParts[0])
                    let mgfHash = try firstOID(mgfParts[1])
                    mgfOK = mgfOID == mgf1 && mgfHash == sha384
                case 2:  // saltLength
                    saltOK = try Int(derEncoded: value) == 48
                case 3:  // trailerField must be 1
                    guard try Int(derEncoded: value) == 1 else { throw refused }
                default:
                    throw refused
                }
            }
            guard hashOK, mgfOK, saltOK else { throw refused }
        } catch let error as AttestationError {
            throw error
        } catch {
            throw refused
        }
    }

    private static func firstOID(_ algorithmIdentifier: ASN1Node) throws -> ASN1ObjectIdentifier {
        guard case .constructed(let parts) = algorithmIdentifier.content, let first = Array(parts).first else {
            throw ASN1Error.invalidASN1Object(reason: "AlgorithmIdentifier")
        }
        return try ASN1ObjectIdentifier(derEncoded: first)
    }
}
