import Crypto
import Foundation
import StrongroomCrypto

/// A workload's request to CAS: its attestation token plus a signature by the runtime's
/// ephemeral signing key, whose public key the token names (`cnf_key`, bound into the evidence):
/// `Authorization: SR-PoP token="<JWT>", ts="<unix seconds>", rid="<32 hex>", sig="<base64 r‖s>"`,
/// ECDSA P-256 SHA-256 over "strongroom-pop-v1\n" + METHOD + "\n" + path-with-query + "\n" + ts + "\n"
/// + rid + "\n" + hex(sha256(body)) + "\n" + hex(sha256(token)). Accepted within ±300 s, once.
public struct ProofOfPossession: Sendable, Equatable {
    public static let scheme = "SR-PoP"
    public static let window: Int64 = 300

    public var token: String
    public var timestamp: Int64
    public var requestID: String
    public var signature: [UInt8]

    public init(token: String, timestamp: Int64, requestID: String, signature: [UInt8]) {
        self.token = token
        self.timestamp = timestamp
        self.requestID = requestID
        self.signature = signature
    }

    public static func canonicalMessage(method: String, pathWithQuery: String, timestamp: Int64, requestID: String,
                                        body: [UInt8], token: String) -> [UInt8] {
        let text = "strongroom-pop-v1\n\(method.uppercased())\n\(pathWithQuery)\n\(timestamp)\n\(requestID)\n"
            + Hex.encode(SHA256.hash(data: body)) + "\n" + Hex.encode(SHA256.hash(data: Array(token.utf8)))
        return Array(text.utf8)
    }

    public static func sign(method: String, pathWithQuery: String, body: [UInt8], token: String,
                            key: P256.Signing.PrivateKey, now: Date) throws(CASError) -> ProofOfPossession {
        let ts = Int64(now.timeIntervalSince1970.rounded(.down))
        let rid = Hex.encode(SecureRandom.bytes(count: 16))
        let message = canonicalMessage(method: method, pathWithQuery: pathWithQuery, timestamp: ts, requestID: rid, body: body, token: token)
        guard let signature = try? key.signature(for: message) else {
            throw CASError(.internalFailure, "signing the request with the runtime key failed")
        }
        return ProofOfPossession(token: token, timestamp: ts, requestID: rid, signature: [UInt8](signature.rawRepresentation))
    }

    public var headerValue: String {
        "\(Self.scheme) token=\"\(token)\", ts=\"\(timestamp)\", rid=\"\(requestID)\", sig=\"\(Base64Text.encode(signature))\""
    }

    public init(headerValue: String) throws(CASError) {
        guard headerValue.utf8.count <= 8192 else { throw CASError(.unauthorized, "Authorization header longer than 8 KiB") }
        let trimmed = headerValue.trimmingWhitespace()
        guard trimmed.hasPrefix(Self.scheme + " ") else { throw CASError(.unauthorized, "Authorization scheme is not \(Self.scheme)") }
        let parameters = try AuthorizationParameters.parse(
            trimmed.dropFirst(Self.scheme.count + 1), scheme: Self.scheme, allowed: ["token", "ts", "rid", "sig"])
        guard let token = parameters["token"], !token.isEmpty else { throw CASError(.unauthorized, "SR-PoP token is missing") }
        let ts = try AuthorizationParameters.timestamp(parameters["ts"], scheme: Self.scheme)
        guard let ridText = parameters["rid"] else { throw CASError(.unauthorized, "SR-PoP rid is missing") }
        let rid = try AuthorizationParameters.requestID(ridText, scheme: Self.scheme)
        guard let sigText = parameters["sig"], let sig = Data(base64Encoded: sigText), sig.count == 64 else {
            throw CASError(.unauthorized, "SR-PoP sig is not a base64 P-256 signature (r ‖ s, 64 bytes)")
        }
        self.init(token: token, timestamp: ts, requestID: rid, signature: [UInt8](sig))
    }

    /// Checks the time window and the signature with the runtime signing key (X9.63) the token names.
    public func verify(method: String, pathWithQuery: String, body: [UInt8], signingKey: [UInt8], now: Date) throws(CASError) {
        try AuthorizationParameters.checkWindow(timestamp, now: now, window: Self.window, scheme: Self.scheme)
        guard let key = try? P256.Signing.PublicKey(x963Representation: signingKey),
              let signature = try? P256.Signing.ECDSASignature(rawRepresentation: self.signature) else {
            throw CASError(.invalidSignature, "SR-PoP signature or the token's key is malformed")
        }
        let message = Self.canonicalMessage(method: method, pathWithQuery: pathWithQuery, timestamp: timestamp, requestID: requestID,
                                            body: body, token: token)
        guard key.isValidSignature(signature, for: message) else {
            throw CASError(.invalidSignature, "SR-PoP signature does not verify with the token's runtime key")
        }
    }

    /// What the replay cache remembers: the signed (token, ts, rid), not the signature bytes, since an
    /// ECDSA signature has a second valid form (r, n − s) an eavesdropper could send instead.
    public var replayDigest: [UInt8] {
        Array(SHA256.hash(data: Array("sr-pop\n\(timestamp)\n\(requestID)\n".utf8) + Array(SHA256.hash(data: Array(token.utf8)))))
    }
}
