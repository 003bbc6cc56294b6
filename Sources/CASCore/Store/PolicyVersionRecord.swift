import Foundation

/// One applied policy version: the exact YAML bytes the owners signed and their signatures.
/// (name, version) is unique; the store refuses a second row with `.conflict`.
public struct PolicyVersionRecord: Sendable, Hashable {
    public var name: String
    public var version: Int64
    /// Lowercase hex SHA-256 of `yaml`.
    public var hash: String
    /// Hash of version − 1; nil for version 1.
    public var previous: String?
    public var yaml: [UInt8]
    public var signatures: [PolicySignatureRecord]
    public var appliedAt: Date
    /// CAS's MAC over the row (`RowMAC.policyVersion`); empty on rows written before it existed.
    public var mac: [UInt8]

    public init(
        name: String, version: Int64, hash: String, previous: String?, yaml: [UInt8],
        signatures: [PolicySignatureRecord], appliedAt: Date, mac: [UInt8] = []
    ) {
        self.mac = mac
        self.name = name
        self.version = version
        self.hash = hash
        self.previous = previous
        self.yaml = yaml
        self.signatures = signatures
        self.appliedAt = appliedAt
    }
}

/// An owner's signature over a policy version (`key_id` and the raw Ed25519 signature).
public struct PolicySignatureRecord: Sendable, Hashable, Codable {
    public var keyID: String
    public var signature: [UInt8]

    public init(keyID: String, signature: [UInt8]) {
        self.keyID = keyID
        self.signature = signature
    }

    enum CodingKeys: String, CodingKey {
        case keyID = "key_id"
        case signature
    }

    // Stored as the wire form `{"key_id": …, "signature": "<base64>"}` so the column reads like the API.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        keyID = try container.decode(String.self, forKey: .keyID)
        let text = try container.decode(String.self, forKey: .signature)
        guard let bytes = Data(base64Encoded: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .signature, in: container, debugDescription: "signature is not base64")
        }
        signature = [UInt8](bytes)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(keyID, forKey: .keyID)
        try container.encode(Data(signature).base64EncodedString(), forKey: .signature)
    }
}
