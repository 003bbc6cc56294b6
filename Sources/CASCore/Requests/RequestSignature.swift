import Crypto
import Foundation
import Policy
import StrongroomCrypto

/// An owner's, auditor's or admin's signature on one HTTP request (docs/design/cas.md
/// "Owner/auditor requests"): `Authorization: SR-Sig key_id="…", ts="<unix seconds>", sig="<b64>"`,
/// Ed25519 over "strongroom-request-v1\n" + METHOD + "\n" + path-with-query + "\n" + ts + "\n" +
/// hex(sha256(body)), accepted within ±300 s.
public struct RequestSignature: Sendable, Equatable {
    public static let scheme = "SR-Sig"
    public static let window: Int64 = 300

    public var keyID: String
    public var timestamp: Int64
    public var signature: [UInt8]

    public init(keyID: String, timestamp: Int64, signature: [UInt8]) {
        self.keyID = keyID
        self.timestamp = timestamp
        self.signature = signature
    }

    public static func canonicalMessage(method: String, pathWithQuery: String, timestamp: Int64, body: [UInt8]) -> [UInt8] {
        let text = "strongroom-request-v1\n\(method.uppercased())\n\(pathWithQuery)\n\(timestamp)\n"
            + Hex.encode(SHA256.hash(data: body))
        return Array(text.utf8)
    }

    public static func sign(method: String, pathWithQuery: String, body: [UInt8], identity: OwnerIdentity, now: Date) -> RequestSignature {
        let ts = Int64(now.timeIntervalSince1970.rounded(.down))
        let message = canonicalMessage(method: method, pathWithQuery: pathWithQuery, timestamp: ts, body: body)
        return RequestSignature(keyID: identity.publicKey.keyID, timestamp: ts, signature: identity.sign(message))
    }

    /// The `Authorization` header value.
    public var headerValue: String {
        "\(Self.scheme) key_id=\"\(keyID)\", ts=\"\(timestamp)\", sig=\"\(Base64Text.encode(signature))\""
    }

    /// Parses an `SR-Sig` header value; every parameter exactly once, nothing else.
    public init(headerValue: String) throws(CASError) {
        guard headerValue.utf8.count <= 1024 else { throw CASError(.unauthorized, "Authorization header longer than 1 KiB") }
        let trimmed = headerValue.trimmingWhitespace()
        guard trimmed.hasPrefix(Self.scheme + " ") else {
            throw CASError(.unauthorized, "Authorization scheme is not \(Self.scheme)")
        }
        var parameters = [String: String]()
        for item in trimmed.dropFirst(Self.scheme.count + 1).split(separator: ",", omittingEmptySubsequences: false) {
            let pair = String(item).trimmingWhitespace()
            guard let eq = pair.firstIndex(of: "=") else {
                throw CASError(.unauthorized, "SR-Sig parameter without '=' in the Authorization header")
            }
            let name = String(pair[..<eq])
            let quoted = pair[pair.index(after: eq)...]
            guard quoted.count >= 2, quoted.first == "\"", quoted.last == "\"" else {
                throw CASError(.unauthorized, "SR-Sig parameter \(name.prefix(16)) is not a quoted string")
            }
            let value = String(quoted.dropFirst().dropLast())
            guard !value.contains("\"") else { throw CASError(.unauthorized, "SR-Sig parameter \(name.prefix(16)) has a stray quote") }
            guard ["key_id", "ts", "sig"].contains(name) else {
                throw CASError(.unauthorized, "unknown SR-Sig parameter \(name.prefix(16))")
            }
            guard parameters.updateValue(value, forKey: name) == nil else {
                throw CASError(.unauthorized, "SR-Sig parameter \(name) given twice")
            }
        }
        guard let keyID = parameters["key_id"], !keyID.isEmpty else { throw CASError(.unauthorized, "SR-Sig key_id is missing") }
        guard let tsText = parameters["ts"] else { throw CASError(.unauthorized, "SR-Sig ts is missing") }
        guard tsText.utf8.count <= 18, tsText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let ts = Int64(tsText) else {
            throw CASError(.unauthorized, "SR-Sig ts is not unix seconds")
        }
        guard let sigText = parameters["sig"] else { throw CASError(.unauthorized, "SR-Sig sig is missing") }
        guard let sig = Data(base64Encoded: sigText), sig.count == 64 else {
            throw CASError(.unauthorized, "SR-Sig sig is not a base64 Ed25519 signature (64 bytes)")
        }
        self.init(keyID: keyID, timestamp: ts, signature: [UInt8](sig))
    }

    /// Checks the signature with the key the caller looked up by `keyID`, and the time window.
    public func verify(method: String, pathWithQuery: String, body: [UInt8], publicKey: OwnerPublicKey, now: Date) throws(CASError) {
        guard constantTimeEquals(Array(keyID.utf8), Array(publicKey.keyID.utf8)) else {
            throw CASError(.invalidSignature, "SR-Sig key_id does not name the given key")
        }
        let t = Int64(now.timeIntervalSince1970.rounded(.down))
        guard timestamp >= t - Self.window, timestamp <= t + Self.window else {
            throw CASError(.invalidSignature, "SR-Sig ts is more than \(Self.window) s away from the CAS clock")
        }
        let message = Self.canonicalMessage(method: method, pathWithQuery: pathWithQuery, timestamp: timestamp, body: body)
        guard publicKey.isValidSignature(signature, for: message) else {
            throw CASError(.invalidSignature, "SR-Sig signature does not verify for this request")
        }
    }
}

/// The two ways CAS requests authenticate: an owner signature or a workload's bearer token.
public enum RequestAuthorization: Sendable, Equatable {
    case signature(RequestSignature)
    case bearer(String)

    public init(headerValue: String) throws(CASError) {
        let trimmed = String(headerValue.trimmingWhitespace())
        if trimmed.hasPrefix("Bearer ") {
            let token = String(String(trimmed.dropFirst("Bearer ".count)).trimmingWhitespace())
            guard !token.isEmpty else { throw CASError(.unauthorized, "Bearer token is empty") }
            self = .bearer(token)
        } else if trimmed.hasPrefix(RequestSignature.scheme + " ") {
            self = .signature(try RequestSignature(headerValue: trimmed))
        } else {
            throw CASError(.unauthorized, "Authorization must be \"SR-Sig …\" or \"Bearer …\"")
        }
    }
}
