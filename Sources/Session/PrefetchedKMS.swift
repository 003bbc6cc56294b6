import Runtime
import StrongroomCrypto
import Synchronization

/// Keys unwrapped before the engine runs, served while it runs without a KMS call and without
/// blocking a thread. A key nobody fetched is recorded as a miss (what `KeyPrefetch` fetches in
/// its next round) and refused; a key the KMS refused is refused again with the KMS's reason.
public final class PrefetchedKMS: KeyProvider {
    struct Request: Hashable, Sendable {
        var masterKeyID: String
        var wrappedKey: String
    }

    private struct State {
        var answers: [Request: Result<SecretKey, any Error>] = [:]
        var misses: Set<Request> = []
    }

    private let state = Mutex(State())

    public init() {}

    /// How many keys were fetched (answered by the KMS, refusals included).
    public var fetchedCount: Int { state.withLock { $0.answers.count } }

    public func unwrapKey(_ wrappedKey: String, masterKeyID: String) throws -> SecretKey {
        let request = Request(masterKeyID: masterKeyID, wrappedKey: wrappedKey)
        let answer = state.withLock { state -> Result<SecretKey, any Error>? in
            if let answer = state.answers[request] { return answer }
            state.misses.insert(request)
            return nil
        }
        guard let answer else {
            throw RuntimeError(.kms, "the key wrapped under master key \(masterKeyID) was not fetched before the query ran")
        }
        return try answer.get()
    }

    /// Writing prepares its key-encryption keys ahead (`KeyMaterialProvider.prepareKeyEncryptionKey`).
    public func wrapKey(_ key: SecretKey, masterKeyID: String) throws -> String {
        throw RuntimeError(.kms, "master key \(masterKeyID): keys are wrapped before the query runs, not during it")
    }

    /// The keys asked for since the last call and not fetched yet.
    func takeMisses() -> Set<Request> {
        state.withLock { state in
            defer { state.misses = [] }
            return state.misses
        }
    }

    func record(_ request: Request, _ answer: Result<SecretKey, any Error>) {
        state.withLock { $0.answers[request] = answer }
    }
}
