import Attestation
import Crypto
import Foundation
import Policy

/// Owner and auditor requests are signed (docs/design/cas.md "Owner/auditor requests"):
/// `Authorization: SR-Sig key_id="…", ts="<unix seconds>", sig="<base64>"`, Ed25519 over
/// `"strongroom-request-v1\n" + METHOD + "\n" + path-with-query + "\n" + ts + "\n" + hex(sha256(body))`.
/// The client signs and the server verifies with this one definition of the message.
public enum RequestSigning {
    public static let scheme = "SR-Sig"
    public static let allowedSkewSeconds: Int64 = 300

    /// What a signature covers, minus the timestamp.
    public struct SignedParts: Sendable, Equatable {
        public var method: String
        public var pathWithQuery: String
        public var bodySHA256Hex: String

        public init(method: String, pathWithQuery: String, body: [UInt8]) {
            self.method = method
            self.pathWithQuery = pathWithQuery
            self.bodySHA256Hex = HexField.encode(Array(SHA256.hash(data: body)))
        }
    }

    public static func canonicalMessage(_ parts: SignedParts, timestamp: Int64) -> [UInt8] {
        Array(
            "strongroom-request-v1\n\(parts.method.uppercased())\n\(parts.pathWithQuery)\n\(timestamp)\n\(parts.bodySHA256Hex)"
                .utf8)
    }

    /// The `Authorization` header value for a request signed by `identity` at `now`.
    public static func authorizationHeader(
        identity: OwnerIdentity, parts: SignedParts, now: Date = Date()
    ) -> String {
        let ts = Int64(now.timeIntervalSince1970.rounded(.down))
        let signature = identity.sign(canonicalMessage(parts, timestamp: ts))
        return "\(scheme) key_id=\"\(identity.publicKey.keyID)\", ts=\"\(ts)\", sig=\"\(Base64Field.encode(signature))\""
    }

    /// Checks a parsed signature against the signer's key: the timestamp within ±300 s of `now`,
    /// then the Ed25519 signature. The reason never contains the signature or the body.
    public static func verify(
        _ signature: SignedAuthorization, parts: SignedParts, publicKey: OwnerPublicKey, now: Date = Date()
    ) -> RequestSignatureVerdict {
        guard signature.keyID == publicKey.keyID else {
            return .refused("signature key_id \(signature.keyID) is not the key checked (\(publicKey.keyID))")
        }
        let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let skew = signature.timestamp > nowSeconds ? signature.timestamp - nowSeconds : nowSeconds - signature.timestamp
        guard skew <= allowedSkewSeconds else {
            return .refused("request timestamp is \(skew) s from the CAS clock (at most \(allowedSkewSeconds) s allowed)")
        }
        guard publicKey.isValidSignature(signature.signature, for: canonicalMessage(parts, timestamp: signature.timestamp))
        else {
            return .refused("request signature does not verify for key \(signature.keyID)")
        }
        return .valid
    }
}

public enum RequestSignatureVerdict: Sendable, Equatable {
    case valid
    case refused(String)
}

/// A parsed `SR-Sig` authorization.
public struct SignedAuthorization: Sendable, Equatable {
    public var keyID: String
    public var timestamp: Int64
    public var signature: [UInt8]

    public init(keyID: String, timestamp: Int64, signature: [UInt8]) {
        self.keyID = keyID
        self.timestamp = timestamp
        self.signature = signature
    }
}

/// How a request authenticates: nothing, a workload's token, or an owner's signature.
public enum RequestAuthorization: Sendable, Equatable {
    case none
    case bearer(String)
    case signed(SignedAuthorization)

    /// Parses an `Authorization` header value; `nil` means no header.
    /// A malformed header is an error (never silently treated as anonymous).
    public init(headerValue: String?) throws(AuthorizationHeaderError) {
        guard let headerValue else {
            self = .none
            return
        }
        let value = headerValue.trimmingCharacters(in: .whitespaces)
        if let token = Self.credentials(value, scheme: "Bearer") {
            guard !token.isEmpty, token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
                throw AuthorizationHeaderError("Authorization: Bearer token is empty or has invalid characters")
            }
            self = .bearer(token)
        } else if let params = Self.credentials(value, scheme: RequestSigning.scheme) {
            self = .signed(try Self.parseSigned(params))
        } else {
            throw AuthorizationHeaderError("Authorization: scheme must be Bearer or SR-Sig")
        }
    }

    private static func credentials(_ value: String, scheme: String) -> String? {
        let prefix = scheme + " "
        guard value.count > prefix.count, value.prefix(prefix.count).lowercased() == prefix.lowercased() else {
            return nil
        }
        return value.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
    }

    /// `key_id="…", ts="…", sig="…"` in any order, each exactly once, nothing else.
    private static func parseSigned(_ text: String) throws(AuthorizationHeaderError) -> SignedAuthorization {
        var fields: [String: String] = [:]
        for rawPart in text.split(separator: ",", omittingEmptySubsequences: false) {
            let part = rawPart.trimmingCharacters(in: .whitespaces)
            guard let equals = part.firstIndex(of: "=") else {
                throw AuthorizationHeaderError("Authorization: SR-Sig parameter without '=': expected name=\"value\"")
            }
            let name = String(part[..<equals])
            let quoted = part[part.index(after: equals)...]
            guard quoted.count >= 2, quoted.first == "\"", quoted.last == "\"" else {
                throw AuthorizationHeaderError("Authorization: SR-Sig parameter \(Self.safeName(name)) must be quoted")
            }
            let value = String(quoted.dropFirst().dropLast())
            guard !value.contains("\"") else {
                throw AuthorizationHeaderError("Authorization: SR-Sig parameter \(Self.safeName(name)) has a stray quote")
            }
            guard ["key_id", "ts", "sig"].contains(name) else {
                throw AuthorizationHeaderError("Authorization: unknown SR-Sig parameter \(Self.safeName(name))")
            }
            guard fields.updateValue(value, forKey: name) == nil else {
                throw AuthorizationHeaderError("Authorization: SR-Sig parameter \(name) given twice")
            }
        }
        guard let keyID = fields["key_id"], let tsText = fields["ts"], let sigText = fields["sig"] else {
            let missing = ["key_id", "ts", "sig"].filter { fields[$0] == nil }.joined(separator: ", ")
            throw AuthorizationHeaderError("Authorization: SR-Sig is missing \(missing)")
        }
        guard keyID.count == 16, keyID.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else {
            throw AuthorizationHeaderError("Authorization: SR-Sig key_id must be 16 lowercase hex characters")
        }
        guard !tsText.isEmpty, tsText.count <= 18, tsText.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let ts = Int64(tsText)
        else {
            throw AuthorizationHeaderError("Authorization: SR-Sig ts must be unix seconds (decimal digits)")
        }
        guard let signature = Data(base64Encoded: sigText), signature.count == 64 else {
            throw AuthorizationHeaderError("Authorization: SR-Sig sig must be base64 of a 64-byte Ed25519 signature")
        }
        return SignedAuthorization(keyID: keyID, timestamp: ts, signature: [UInt8](signature))
    }

    /// Parameter names are echoed only when they are short identifiers.
    private static func safeName(_ name: String) -> String {
        name.count <= 16 && name.utf8.allSatisfy({ (0x61...0x7a).contains($0) || $0 == 0x5f }) ? name : "(name)"
    }
}

public struct AuthorizationHeaderError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
