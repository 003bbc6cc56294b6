/// `POST /v1/kms/wrap`: a data key to wrap under a CAS master key.
public struct WrapRequest: Sendable, Codable, Equatable {
    public var masterKeyID: String
    public var key: [UInt8]

    public init(masterKeyID: String, key: [UInt8]) {
        self.masterKeyID = masterKeyID
        self.key = key
    }

    enum CodingKeys: String, CodingKey {
        case masterKeyID = "master_key_id"
        case key
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        masterKeyID = try c.decode(String.self, forKey: .masterKeyID)
        key = try c.decodeBase64(forKey: .key)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(masterKeyID, forKey: .masterKeyID)
        try c.encodeBase64(key, forKey: .key)
    }
}

/// The wrapped key as text: base64 of `nonce(12) ‖ AES-256-GCM ciphertext ‖ tag(16)`, exactly
/// what parquet-java's key material stores, so it is kept as the string.
public struct WrapResponse: Sendable, Codable, Equatable {
    public var wrappedKey: String

    public init(wrappedKey: String) { self.wrappedKey = wrappedKey }

    enum CodingKeys: String, CodingKey { case wrappedKey = "wrapped_key" }
}

/// `POST /v1/kms/unwrap`.
public struct UnwrapRequest: Sendable, Codable, Equatable {
    public var masterKeyID: String
    public var wrappedKey: String

    public init(masterKeyID: String, wrappedKey: String) {
        self.masterKeyID = masterKeyID
        self.wrappedKey = wrappedKey
    }

    enum CodingKeys: String, CodingKey {
        case masterKeyID = "master_key_id"
        case wrappedKey = "wrapped_key"
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
