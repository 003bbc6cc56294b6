/// `POST /v1/kms/wrap`: a data key to wrap under a CAS master key. Master key ids are scoped
/// per policy: an owner's signed request names the policy; a workload's is its token's policy.
public struct WrapRequest: Sendable, Codable, Equatable {
    public var masterKeyID: String
    public var key: [UInt8]
    public var policy: String?

    public init(masterKeyID: String, key: [UInt8], policy: String? = nil) {
        self.masterKeyID = masterKeyID
        self.key = key
        self.policy = policy
    }

    enum CodingKeys: String, CodingKey {
        case masterKeyID = "master_key_id"
        case key, policy
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        masterKeyID = try c.decode(String.self, forKey: .masterKeyID)
        key = try c.decodeBase64(forKey: .key)
        policy = try c.decodeIfPresent(String.self, forKey: .policy)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(masterKeyID, forKey: .masterKeyID)
        try c.encodeBase64(key, forKey: .key)
        try c.encodeIfPresent(policy, forKey: .policy)
    }
}

/// The wrapped key as text: base64 of `nonce(12) ‖ AES-256-GCM ciphertext ‖ tag(16)`, exactly
/// what parquet-java's key material stores, so it is kept as the string.
public struct WrapResponse: Sendable, Codable, Equatable {
    public var wrappedKey: String

    public init(wrappedKey: String) { self.wrappedKey = wrappedKey }

    enum CodingKeys: String, CodingKey { case wrappedKey = "wrapped_key" }
}

/// `POST /v1/kms/unwrap` (`policy` as for wrap).
public struct UnwrapRequest: Sendable, Codable, Equatable {
    public var masterKeyID: String
    public var wrappedKey: String
    public var policy: String?

    public init(masterKeyID: String, wrappedKey: String, policy: String? = nil) {
        self.masterKeyID = masterKeyID
        self.wrappedKey = wrappedKey
        self.policy = policy
    }

    enum CodingKeys: String, CodingKey {
        case masterKeyID = "master_key_id"
        case wrappedKey = "wrapped_key"
        case policy
    }
}

public struct UnwrapResponse: Sendable, Codable, Equatable {
    public var key: [UInt8]

    public init(key: [UInt8]) { self.key = key }

    enum CodingKeys: String, CodingKey { case key }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.decodeBase64(forKey: .key)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeBase64(key, forKey: .key)
    }
}
