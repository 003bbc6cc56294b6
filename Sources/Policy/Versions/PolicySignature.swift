import Foundation

/// An owner's signature on a policy version: Ed25519 over `PolicyVersion.signingMessage`.
/// JSON: `{"key_id": "<16 hex>", "signature": "<base64>"}`.
public struct PolicySignature: Sendable, Codable, Equatable {
    /// `OwnerPublicKey.keyID` of the signer.
    public var keyID: String
    public var signature: [UInt8]

    public init(keyID: String, signature: [UInt8]) {
        self.keyID = keyID
        self.signature = signature
    }

    public init(signing version: PolicyVersion, by identity: OwnerIdentity) {
        keyID = identity.publicKey.keyID
        signature = identity.sign(version.signingMessage)
    }

    /// True when `key` made this signature over `version`.
    public func isValid(for version: PolicyVersion, by key: OwnerPublicKey) -> Bool {
        keyID == key.keyID && key.isValidSignature(signature, for: version.signingMessage)
    }

    enum CodingKeys: String, CodingKey {
        case keyID = "key_id"
        case signature
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        keyID = try c.decode(String.self, forKey: .keyID)
        let text = try c.decode(String.self, forKey: .signature)
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorruptedError(forKey: .signature, in: c, debugDescription: "signature: not valid base64")
        }
        signature = [UInt8](data)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(keyID, forKey: .keyID)
        try c.encode(Data(signature).base64EncodedString(), forKey: .signature)
    }
}

/// The body of `POST /v1/policies`: `{"policy": "<YAML text>", "signatures": [PolicySignature]}`.
public struct SignedPolicySubmission: Sendable, Codable, Equatable {
    public var policy: String
    public var signatures: [PolicySignature]

    public init(policy: String, signatures: [PolicySignature]) {
        self.policy = policy
        self.signatures = signatures
    }

    /// A submission of `version` signed by each of `identities`.
    public init(version: PolicyVersion, signedBy identities: [OwnerIdentity]) {
        policy = version.text
        signatures = identities.map { PolicySignature(signing: version, by: $0) }
    }

    /// Parses the YAML exactly as submitted (the signed bytes are the UTF-8 of `policy`).
    public func version() throws(PolicyError) -> PolicyVersion {
        try PolicyVersion(yaml: Array(policy.utf8))
    }
}
