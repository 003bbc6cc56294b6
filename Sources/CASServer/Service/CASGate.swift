import Attestation
import CASCore
import Foundation
import Logging
import Synchronization

/// Sealed or unsealed. A CAS started without its master key waits sealed, collecting Shamir
/// shares through `POST /v1/sys/unseal`; with enough of them (or the key file at start) it
/// unseals its keyring and serves.
public final class CASGate: Sendable {
    enum State {
        case sealed(shares: [ShamirShare])
        case unsealed(CASService)
    }

    let store: any CASStore
    let hardwareVerifiers: [any EvidenceVerifier]
    let logger: Logger
    private let state: Mutex<State>

    /// Set by `cas serve --upgrade-store`: the operator vouches for a store from before row authentication.
    let upgradeStore: Bool

    public init(store: any CASStore, hardwareVerifiers: [any EvidenceVerifier] = [], upgradeStore: Bool = false, logger: Logger) {
        self.upgradeStore = upgradeStore
        self.store = store
        self.hardwareVerifiers = hardwareVerifiers
        self.logger = logger
        self.state = Mutex(.sealed(shares: []))
    }

    /// Unseals with the whole master key (key file, or shares given on the command line).
    public func unseal(masterKey: CASMasterKey, method: String, now: Date = Date()) async throws {
        let keyring = try await CASKeyring.unseal(store, masterKey: masterKey, upgradeStore: upgradeStore)
        let service = CASService(store: store, keyring: keyring, hardwareVerifiers: hardwareVerifiers, logger: logger)
        try await service.recordUnsealed(method: method, now: now)
        state.withLock { $0 = .unsealed(service) }
        logger.info("CAS unsealed", metadata: ["method": "\(method)"])
    }

    /// One recovery share. Shares are kept (in memory only) until the threshold is reached; a
    /// combination that the sealed check value rejects discards them all.
    public func addShare(_ text: String) async throws -> SealStatus {
        let share = try ShamirShare(text: text)
        let ready: [ShamirShare]? = try state.withLock { state throws(CASError) -> [ShamirShare]? in
            switch state {
            case .unsealed: return nil
            case .sealed(var shares):
                if let first = shares.first, first.threshold != share.threshold {
                    throw CASError(.invalidShare, "share needs \(share.threshold) shares, earlier ones said \(first.threshold)")
                }
                shares.removeAll { $0.index == share.index }
                shares.append(share)
                state = .sealed(shares: shares)
                return shares.count >= share.threshold ? shares : nil
            }
        }
        if let ready {
            do {
                try await unseal(masterKey: CASMasterKey.combine(ready), method: "shares")
            } catch {
                state.withLock { if case .sealed = $0 { $0 = .sealed(shares: []) } }
                throw error
            }
        }
        return status
    }

    public var status: SealStatus {
        state.withLock { state in
            switch state {
            case .unsealed: SealStatus(sealed: false, sharesReceived: 0, threshold: 0)
            case .sealed(let shares): SealStatus(sealed: true, sharesReceived: shares.count, threshold: shares.first?.threshold ?? 0)
            }
        }
    }

    /// The service, or `.sealed` (503) while sealed.
    public func service() throws(CASError) -> CASService {
        let current: CASService? = state.withLock { state in
            if case .unsealed(let service) = state { return service }
            return nil
        }
        guard let current else { throw CASError(.sealed, "CAS is sealed: unseal it with its key file or recovery shares") }
        return current
    }
}
