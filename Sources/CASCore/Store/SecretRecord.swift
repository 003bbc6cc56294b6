import Foundation

/// A policy secret, sealed by CASCore's Sealer before it reaches the store. (policy, name) is
/// unique; putting it again replaces the sealed bytes (an owner re-sending a given secret).
public struct SecretRecord: Sendable, Hashable {
    public var policy: String
    public var name: String
    public var sealed: [UInt8]
    public var createdAt: Date

    public init(policy: String, name: String, sealed: [UInt8], createdAt: Date) {
        self.policy = policy
        self.name = name
        self.sealed = sealed
        self.createdAt = createdAt
    }
}
