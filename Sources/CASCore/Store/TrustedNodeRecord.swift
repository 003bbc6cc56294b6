/// A node agent whose simulated-TEE reports CAS accepts (when a policy allows simulation).
/// `keyID` is the node key id (hex SHA-256 of the raw public key); `publicKey` is `ed25519:<base64>`.
public struct TrustedNodeRecord: Sendable, Hashable {
    public var keyID: String
    public var name: String
    public var publicKey: String
    /// CAS's MAC over the row (`RowMAC.trustedNode`): a node inserted into the database by hand
    /// is not trusted.
    public var mac: [UInt8]

    public init(keyID: String, name: String, publicKey: String, mac: [UInt8] = []) {
        self.mac = mac
        self.keyID = keyID
        self.name = name
        self.publicKey = publicKey
    }
}
