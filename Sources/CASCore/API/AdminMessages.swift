/// A name and an Ed25519 public key: `POST /v1/nodes` (trust a node agent's key for simulated
/// evidence), `POST /v1/auditors` (an auditor of the whole log), and the auditor record CAS keeps.
public struct NamedPublicKey: Sendable, Codable, Equatable {
    public var name: String
    /// `ed25519:<base64 of 32 bytes>`.
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

public typealias NodeRegistration = NamedPublicKey
public typealias AuditorRegistration = NamedPublicKey

/// 201 answer to `POST /v1/nodes`: the key id a simulated report names (hex SHA-256 of the key).
public struct NodeRegistered: Sendable, Codable, Equatable {
    public var name: String
    public var nodeKeyID: String

    public init(name: String, nodeKeyID: String) {
        self.name = name
        self.nodeKeyID = nodeKeyID
    }

    enum CodingKeys: String, CodingKey {
        case name
        case nodeKeyID = "node_key_id"
    }
}

/// `POST /v1/sys/unseal` while CAS is sealed: one Shamir share (`srs1-K-I-<hex>`).
public struct UnsealRequest: Sendable, Codable, Equatable {
    public var share: String

    public init(share: String) { self.share = share }
}

/// The seal state after a share (or on `GET /v1/sys/seal-status`).
public struct SealStatus: Sendable, Codable, Equatable {
    public var sealed: Bool
    public var sharesReceived: Int
    public var threshold: Int

    public init(sealed: Bool, sharesReceived: Int, threshold: Int) {
        self.sealed = sealed
        self.sharesReceived = sharesReceived
        self.threshold = threshold
    }

    enum CodingKeys: String, CodingKey {
        case sealed, threshold
        case sharesReceived = "shares_received"
    }
}
