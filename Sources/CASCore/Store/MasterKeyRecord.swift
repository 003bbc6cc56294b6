/// A KMS master key, sealed. Ids are scoped per policy: (policy, id) is unique (a second
/// insert is a `.conflict`). The sealed bytes' associated data is "policy/id", so a row moved to
/// another policy or id does not open.
public struct MasterKeyRecord: Sendable, Hashable {
    public var id: String
    public var policy: String
    public var sealed: [UInt8]

    public init(id: String, policy: String, sealed: [UInt8]) {
        self.id = id
        self.policy = policy
        self.sealed = sealed
    }

    /// The sealing record id: "policy/id".
    public var recordID: String { "\(policy)/\(id)" }
}
