/// What the HTTP layer hands the business logic about who is asking: the parsed
/// `Authorization` header and the parts an `SR-Sig` signature must cover.
/// The server has already rejected a malformed header; checking keys and tokens is CASService's job.
public struct RequestCredentials: Sendable, Equatable {
    public var authorization: RequestAuthorization
    public var signedParts: RequestSigning.SignedParts

    public init(authorization: RequestAuthorization, signedParts: RequestSigning.SignedParts) {
        self.authorization = authorization
        self.signedParts = signedParts
    }
}
