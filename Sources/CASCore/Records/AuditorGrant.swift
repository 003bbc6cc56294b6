/// An auditor the CAS administrator registered: reads the whole audit chain. Key = key id.
public struct AuditorGrant: Codable, Sendable, Equatable {
    public var name: String
    /// `ed25519:<base64>`.
    public var publicKey: String

    public init(name: String, publicKey: String) {
        self.name = name
        self.publicKey = publicKey
    }

    enum CodingKeys: String, CodingKey {
        case name
        case publicKey = "public_key"
    }
}
