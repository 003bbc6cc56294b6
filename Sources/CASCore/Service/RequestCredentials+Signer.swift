import Foundation
import Policy

extension RequestCredentials {
    /// The first of `candidates` whose key id matches the request's SR-Sig signature, after
    /// verifying it at `now`.
    func signer(among candidates: [NamedKey], now: Date) throws(CASError) -> NamedKey {
        guard let signature else {
            throw CASError(.unauthorized, "this request needs an SR-Sig signature of an allowed key")
        }
        guard let key = candidates.first(where: { $0.publicKey.keyID == signature.keyID }) else {
            throw CASError(.forbidden, "key \(signature.keyID) is not allowed here")
        }
        try verifySignature(with: key.publicKey, now: now)
        return key
    }

    var bearerToken: String? {
        if case .bearer(let token)? = authorization { return token }
        return nil
    }

    /// Requests without any Authorization header.
    public static func anonymous(method: String, pathWithQuery: String) -> RequestCredentials {
        RequestCredentials(authorization: nil, method: method, pathWithQuery: pathWithQuery, body: [])
    }
}
