import Foundation
import Policy

/// Who sent a request, as far as the HTTP layer can tell before any policy is consulted:
/// nobody, an owner/auditor/administrator signature still to be matched against a policy's
/// keys, or a workload's bearer token still to be verified.
public enum CASRequester: Sendable {
    case anonymous
    case signed(SignedRequest)
    case bearer(String)

    /// The request parts an SR-Sig signature covers.
    public struct SignedRequest: Sendable {
        public var signature: RequestSignature
        public var method: String
        public var pathWithQuery: String
        public var body: [UInt8]

        public init(signature: RequestSignature, method: String, pathWithQuery: String, body: [UInt8]) {
            self.signature = signature
            self.method = method
            self.pathWithQuery = pathWithQuery
            self.body = body
        }

        /// The first of `candidates` whose key id and signature match, checked at `now`.
        func signer(among candidates: [NamedKey], now: Date) throws(CASError) -> NamedKey {
            guard let key = candidates.first(where: { $0.publicKey.keyID == signature.keyID }) else {
                throw CASError(.forbidden, "key \(signature.keyID) is not allowed here")
            }
            try signature.verify(method: method, pathWithQuery: pathWithQuery, body: body, publicKey: key.publicKey, now: now)
            return key
        }
    }

    /// Reads the Authorization header (absent → anonymous).
    public init(authorization: String?, method: String, pathWithQuery: String, body: [UInt8]) throws(CASError) {
        guard let authorization else {
            self = .anonymous
            return
        }
        switch try RequestAuthorization(headerValue: authorization) {
        case .bearer(let token): self = .bearer(token)
        case .signature(let signature):
            self = .signed(SignedRequest(signature: signature, method: method, pathWithQuery: pathWithQuery, body: body))
        }
    }
}
