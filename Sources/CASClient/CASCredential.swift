import Crypto
import Policy

/// How a request authenticates: an attested workload's token, proven with the runtime signing
/// key the token is bound to (SR-PoP; the token alone is worthless), or an owner's signature.
public enum CASCredential: Sendable {
    case workload(token: String, signingKey: P256.Signing.PrivateKey)
    case owner(OwnerIdentity)
}
