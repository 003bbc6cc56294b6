import Crypto
import Foundation
import Policy
import StrongroomCrypto

/// An owner's, auditor's or admin's signature on one HTTP request (docs/design/cas.md
/// "Owner/auditor requests"): `Authorization: SR-Sig key_id="…", ts="<unix seconds>", rid="<32 hex>",
/// sig="<b64>"`, Ed25519 over "strongroom-request-v2\n" + METHOD + "\n" + path-with-query + "\n" + ts
/// + "\n" + rid + "\n" + hex(sha256(body)), accepted within ±300 s and only once (CAS keeps a replay
/// cache over the window). Without `rid` the v1 message (no rid line) is accepted; being
/// deterministic, an identical v1 request within the window is refused as a replay.
public struct RequestSignature: Sendable, Equatable {
    public static let scheme = "SR-Sig"
    public static let window: Int64 = 300

    public var keyID: String
    public var timestamp: Int64
    /// Random request id (32 lowercase hex), so two identical requests differ.
    public var requestID: String?
    public var signature: [UInt8]

    public init(keyID: String, timestamp: Int64, requestID: String? = nil, signature: [UInt8]) {
        self.keyID = keyID
        self.timestamp = timestamp
        self.requestID = requestID
        self.signature = signature
    }

    public static func canonicalMessage(method: String, pathWithQuery: String, timestamp: Int64, requestID: String? = nil,
                                        body: [UInt8]) -> [UInt8] {
        let bodyHash = Hex.encode(SHA256.hash(data: body))
        let text: String
        if let requestID {
            text = "strongroom-request-v2\n\(method.uppercased())\n\(pathWithQuery)\n\(timestamp)\n\(requestID)\n" + bodyHash
        } else {
            text = "strongroom-request-v1\n\(method.uppercased())\n\(pathWithQuery)\n\(timestamp)\n" + bodyHash
        }
        return Array(text.utf8)
    }

    public static func sign(method: String, pathWithQuery: String, body: [UInt8], identity: OwnerIdentity, now: Date) -> RequestSignature {
        let ts = Int64(now.timeIntervalSince1970.rounded(.down))
        let rid = Hex.encode(SecureRandom.bytes(count: 16))
        let message = canonicalMessage(method: method, pathWithQuery: pathWithQuery, timestamp: ts, requestID: rid, body: body)
        return RequestSignature(keyID: identity.publicKey.keyID, timestamp: ts, requestID: rid, signature: identity.sign(message))
    }

    /// The `Authorization` header value.
    public var headerValue: String {
        let rid = requestID.map { ", rid=\"\($0)\"" } ?? ""
        return "\(Self.scheme) key_id=\"\(keyID)\", ts=\"\(timestamp)\"\(rid), sig=\"\(Base64Text.encode(signature))\""
    }

    /// What the replay cache remembers: the signed (key, ts, rid); a v1 request without rid by its
    /// signature (Ed25519 signatures have one valid form).
    public var replayDigest: [UInt8] {
        if let requestID { return Array(SHA256.hash(data: Array("sr-sig\n\(keyID)\n\(timestamp)\n\(requestID)".utf8))) }
        return Array(SHA256.hash(data: Array("sr-sig-v1\n\(keyID)\n\(timestamp)\n".utf8) + signature))
    }

    /// Parses an `SR-Sig` header value; every parameter exactly once, nothing else.
    public init(headerValue: String) throws(CASError) {
        guard headerValue.utf8.count <= 1024 else { throw CASError(.unauthorized, "Authorization header longer than 1 KiB") }
        let trimmed = headerValue.trimmingWhitespace()
        guard trimmed.hasPrefix(Self.scheme + " ") else {
            throw CASError(.unauthorized, "Authorization scheme is not \(Self.scheme)")
        }
        let parameters = try AuthorizationParameters.parse(
            trimmed.dropFirst(Self.scheme.count + 1), scheme: Self.scheme, allowed: ["key_id", "ts", "rid", "sig"])
        guard let keyID = parameters["key_id"], !keyID.isEmpty else { throw CASError(.unauthorized, "SR-Sig key_id is missing") }
        let ts = try AuthorizationParameters.timestamp(parameters["ts"], scheme: Self.scheme)
        let rid = try parameters["rid"].map { text throws(CASError) in try AuthorizationParameters.requestID(text, scheme: Self.scheme) }
        guard let sigText = parameters["sig"] else { throw CASError(.unauthorized, "SR-Sig sig is missing") }
        guard let sig = Data(base64Encoded: sigText), sig.count == 64 else {
            throw CASError(.unauthorized, "SR-Sig sig is not a base64 Ed25519 signature (64 bytes)")
        }
        self.init(keyID: keyID, timestamp: ts, requestID: rid, signature: [UInt8](sig))
    }

    /// Checks the signature with the key the caller looked up by `keyID`, and the time window.
    public func verify(method: String, pathWithQuery: String, body: [UInt8], publicKey: OwnerPublicKey, now: Date) throws(CASError) {
        guard constantTimeEquals(Array(keyID.utf8), Array(publicKey.keyID.utf8)) else {
            throw CASError(.invalidSignature, "SR-Sig key_id does not name the given key")
        }
        try AuthorizationParameters.checkWindow(timestamp, now: now, window: Self.window, scheme: Self.scheme)
        let message = Self.canonicalMessage(method: method, pathWithQuery: pathWithQuery, timestamp: timestamp, requestID: requestID, body: body)
        guard publicKey.isValidSignature(signature, for: message) else {
            throw CASError(.invalidSignature, "SR-Sig signature does not verify for this request")
        }
    }
}

/// The ways CAS requests authenticate: an owner signature, or a workload's token with proof of
/// possession of its runtime key. A plain bearer token is parsed (to refuse it clearly) but grants
/// nothing: a token copied out of an attested process is useless without that key.
public enum RequestAuthorization: Sendable, Equatable {
    case signature(RequestSignature)
    case proof(ProofOfPossession)
    case bearer(String)

    public init(headerValue: String) throws(CASError) {
        let trimmed = String(headerValue.trimmingWhitespace())
        if trimmed.hasPrefix(ProofOfPossession.scheme + " ") {
            self = .proof(try ProofOfPossession(headerValue: trimmed))
        } else if trimmed.hasPrefix("Bearer ") {
            let token = String(String(trimmed.dropFirst("Bearer ".count)).trimmingWhitespace())
            guard !token.isEmpty else { throw CASError(.unauthorized, "Bearer token is empty") }
            self = .bearer(token)
        } else if trimmed.hasPrefix(RequestSignature.scheme + " ") {
            self = .signature(try RequestSignature(headerValue: trimmed))
        } else {
            throw CASError(.unauthorized, "Authorization must be \"SR-Sig …\" or \"SR-PoP …\"")
        }
    }
}
