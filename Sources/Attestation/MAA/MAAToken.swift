import Crypto
import Foundation
import _CryptoExtras
import Support

/// A compact JWS as MAA issues it: base64url(header).base64url(payload).base64url(signature).
public struct MAAToken: Sendable {
    public let signingInput: [UInt8]
    public let signature: [UInt8]
    public let algorithm: String
    public let kid: String?
    /// The payload JSON, decoded when the signature verified.
    let payload: [UInt8]

    public init(compact: [UInt8]) throws(AttestationError) {
        guard compact.count <= 1 << 20 else {
            throw AttestationError(.malformedEvidence, "MAA token is larger than 1 MiB")
        }
        let parts = compact.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw AttestationError(.malformedEvidence, "MAA token has \(parts.count) dot-separated parts, a JWS has 3")
        }
        guard let header = Base64URL.decode(String(decoding: parts[0], as: UTF8.self)),
            let payload = Base64URL.decode(String(decoding: parts[1], as: UTF8.self)),
            let signature = Base64URL.decode(String(decoding: parts[2], as: UTF8.self))
        else {
            throw AttestationError(.malformedEvidence, "MAA token part is not base64url")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(header)), let h = object as? [String: Any],
            let alg = h["alg"] as? String
        else {
            throw AttestationError(.malformedEvidence, "MAA token header is not a JSON object with alg")
        }
        signingInput = Array(compact[0..<(parts[0].count + 1 + parts[1].count)])
        self.signature = signature
        self.payload = payload
        algorithm = alg
        kid = h["kid"] as? String
    }

    package func claims() throws(AttestationError) -> [String: MAAJSONValue] {
        guard let claims = MAAJSONValue.parseObject(payload) else {
            throw AttestationError(.malformedEvidence, "MAA token payload is not a JSON object")
        }
        return claims
    }

    func verifySignature(with key: _RSA.Signing.PublicKey) throws(AttestationError) {
        guard algorithm == "RS256" else {
            throw AttestationError(.badSignature, "MAA token algorithm \(algorithm) is not RS256")
        }
        guard key.isValidSignature(.init(rawRepresentation: signature), for: SHA256.hash(data: signingInput), padding: .insecurePKCS1v1_5) else {
            throw AttestationError(.badSignature, "MAA token signature by kid \(kid ?? "?") does not verify")
        }
    }
}
