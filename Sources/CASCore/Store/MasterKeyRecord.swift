/// A KMS master key, sealed. `id` is unique across the CAS (a second insert is a `.conflict`),
/// `policy` is the policy that first named it and owns it.
public struct MasterKeyRecord: Sendable, Hashable {
    public var id: String
    public var policy: String
    public var sealed: [UInt8]

    public init(id: String, policy: String, sealed: [UInt8]) {
        self.id = id
        self.policy = policy
        self.sealed = sealed
    }
}
