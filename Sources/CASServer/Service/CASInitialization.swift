import CASCore
import CASStorage
import Foundation
import Policy

/// `strongroom cas init` as a library call: a fresh master key (written to a 0600 file), the
/// store's keyring sealed under it with the administrator's public key, and Shamir recovery
/// shares of the master key — returned once, for the caller to hand out.
public struct CASInitialization: Sendable {
    /// Where the master key is written.
    public var masterKeyFile: String
    /// The administrator's public key; nil: a new administrator identity is created at
    /// `administratorIdentityFile`.
    public var administrator: OwnerPublicKey?
    public var administratorIdentityFile: String
    public var shares: Int
    public var threshold: Int

    public struct Result: Sendable {
        /// Set when a new administrator identity was written.
        public var administratorIdentityFile: String?
        public var masterKeyFile: String
        public var recoveryShares: [ShamirShare]
    }

    public init(masterKeyFile: String, administrator: OwnerPublicKey?, administratorIdentityFile: String, shares: Int, threshold: Int) {
        self.masterKeyFile = masterKeyFile
        self.administrator = administrator
        self.administratorIdentityFile = administratorIdentityFile
        self.shares = shares
        self.threshold = threshold
    }

    /// Initialises `store` (closed afterwards). An initialisation that fails leaves no master key file behind.
    public func run(_ store: any CASStore) async throws -> Result {
        do {
            let result = try await initialize(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    private func initialize(_ store: any CASStore) async throws -> Result {
        var identityFile: String?
        let administrator: OwnerPublicKey
        if let given = self.administrator {
            administrator = given
        } else {
            let identity = OwnerIdentity(name: "administrator")
            try identity.write(to: administratorIdentityFile)
            administrator = identity.publicKey
            identityFile = administratorIdentityFile
        }
        let masterKey = CASMasterKey.generate()
        try masterKey.write(to: masterKeyFile)
        do {
            _ = try await CASKeyring.initialize(store, masterKey: masterKey, administrator: administrator)
        } catch {
            unlink(masterKeyFile)
            throw error
        }
        return Result(administratorIdentityFile: identityFile, masterKeyFile: masterKeyFile,
                      recoveryShares: try masterKey.split(shareCount: shares, threshold: threshold))
    }
}
