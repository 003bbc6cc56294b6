import Foundation
import X509
import _CryptoExtras
import Support

/// The JSON Web Key Set an MAA instance publishes at `<issuer>/certs`, configured by the
/// operator (it is the trust anchor: CAS never fetches `jku` from a token). Each key has a
/// `kid` and an `x5c` chain (base64 DER, leaf first); the leaf's RSA key verifies tokens.
public struct MAAJWKS: Sendable {
    public struct Key: Sendable {
        public let kid: String
        public let chain: [Certificate]
        public let publicKey: _RSA.Signing.PublicKey
    }

    public let keys: [String: Key]

    public init(json: [UInt8]) throws(AttestationError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)), let root = object as? [String: Any],
            let list = root["keys"] as? [Any]
        else {
            throw AttestationError(.malformedEvidence, "JWKS is not a JSON object with a \"keys\" array")
        }
        var keys: [String: Key] = [:]
        for (i, item) in list.enumerated() {
            guard let jwk = item as? [String: Any], let kid = jwk["kid"] as? String else {
                throw AttestationError(.malformedEvidence, "JWKS keys[\(i)] has no kid")
            }
            var chain: [Certificate] = []
            for (j, entry) in ((jwk["x5c"] as? [Any]) ?? []).enumerated() {
                // x5c is standard base64 (RFC 7517 §4.7), not base64url.
                guard let text = entry as? String, let der = Data(base64Encoded: text) else {
                    throw AttestationError(.malformedEvidence, "JWKS key \(kid) x5c[\(j)] is not base64")
                }
                do {
                    chain.append(try Certificate(derEncoded: [UInt8](der)))
                } catch {
                    throw AttestationError(.malformedEvidence, "JWKS key \(kid) x5c[\(j)] is not an X.509 certificate")
                }
            }
            let publicKey: _RSA.Signing.PublicKey
            if let leaf = chain.first {
                guard let key = _RSA.Signing.PublicKey(leaf.publicKey) else {
                    throw AttestationError(.malformedEvidence, "JWKS key \(kid) x5c[0] does not hold an RSA key")
                }
                publicKey = key
            } else if let n = (jwk["n"] as? String).flatMap(Base64URL.decode), let e = (jwk["e"] as? String).flatMap(Base64URL.decode),
                let key = try? _RSA.Signing.PublicKey(n: n, e: e)
            {
                publicKey = key
            } else {
                throw AttestationError(.malformedEvidence, "JWKS key \(kid) has neither x5c nor an RSA n/e")
            }
            keys[kid] = Key(kid: kid, chain: chain, publicKey: publicKey)
        }
        self.keys = keys
    }

    /// The x5c chain must link (each certificate signed by the next; the last one self-signed
    /// or simply the end of what the operator configured) and be valid at `now`.
    static func checkChain(_ key: Key, now: Date) throws(AttestationError) {
        for (i, cert) in key.chain.enumerated() {
            if now < cert.notValidBefore || now > cert.notValidAfter {
                throw AttestationError(
                    .expired, "MAA signing certificate x5c[\(i)] of kid \(key.kid) is not valid at \(ASN1Time.text(now)) (valid \(ASN1Time.text(cert.notValidBefore))–\(ASN1Time.text(cert.notValidAfter)))")
            }
            let issuer = i + 1 < key.chain.count ? key.chain[i + 1] : cert
            let isLast = i + 1 == key.chain.count
            if isLast, cert.issuer != cert.subject { continue }  // ends at an operator-configured intermediate
            guard cert.issuer == issuer.subject, issuer.publicKey.isValidSignature(cert.signature, for: cert) else {
                throw AttestationError(.certificateChain, "MAA x5c[\(i)] of kid \(key.kid) is not signed by \(isLast ? "itself" : "x5c[\(i + 1)]")")
            }
        }
    }
}
