import Foundation
import Policy

/// What the HTTP layer hands the business logic about who is asking: the parsed `Authorization`
/// header (`nil` when there is none) and exactly what an `SR-Sig` signature covers. The server has
/// already refused a malformed header (401); checking keys and tokens is CASService's job.
public struct RequestCredentials: Sendable, Equatable {
    public var authorization: RequestAuthorization?
    public var method: String
    /// The request target as sent, query included: what the signature covers.
    public var pathWithQuery: String
    /// The raw body the signature's SHA-256 covers. Never logged.
    public var body: [UInt8]

    public init(authorization: RequestAuthorization?, method: String, pathWithQuery: String, body: [UInt8]) {
        self.authorization = authorization
        self.method = method
        self.pathWithQuery = pathWithQuery
        self.body = body
    }

    /// The SR-Sig signature, when the request carries one.
    public var signature: RequestSignature? {
        if case .signature(let signature)? = authorization { return signature }
        return nil
    }

    /// Checks the request's SR-Sig signature against `publicKey` (time window, then Ed25519).
    public func verifySignature(with publicKey: OwnerPublicKey, now: Date = Date()) throws(CASError) {
        guard let signature else { throw CASError(.unauthorized, "this request needs an SR-Sig signature") }
        try signature.verify(method: method, pathWithQuery: pathWithQuery, body: body, publicKey: publicKey, now: now)
    }
}
