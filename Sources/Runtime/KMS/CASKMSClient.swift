import CASClient
import CASCore
import Foundation
import StrongroomCrypto
import Synchronization

/// The crypto layer's `KeyProvider` over CAS `/v1/kms/wrap` and `/v1/kms/unwrap`: master keys
/// never leave CAS; only data keys (or KEKs, with double wrapping) travel, over the CAS channel.
/// Only the asynchronous calls reach CAS (see below).
/// Unwrapped keys are cached per (master key id, wrapped text) for the life of this client, so a
/// data set whose files share key material costs one CAS round trip per key.
public final class CASKMSClient: KeyProvider {
    private let client: CASClient
    private let credential: CASCredential
    /// The policy whose master keys these are (owner requests name it; a workload's token implies it).
    private let policy: String?
    private let unwrapped = Mutex<[CacheKey: SecretKey]>([:])

    private struct CacheKey: Hashable {
        var masterKeyID: String
        var wrappedKey: String
    }

    /// `credential`: the attested session's token and runtime key (`AttestedSession.kmsClient()`),
    /// or an owner's identity with the policy whose keys to use (`data encrypt`).
    public init(client: CASClient, credential: CASCredential, policy: String? = nil) {
        self.client = client
        self.credential = credential
        self.policy = policy
    }

    /// How many distinct keys were unwrapped through CAS (for tests and progress).
    public var unwrapRoundTrips: Int { unwrapped.withLock { $0.count } }

    /// Wraps `key` under `masterKeyID` through CAS.
    public func wrap(_ key: SecretKey, masterKeyID: String) async throws -> String {
        var bytes = key.withUnsafeBytes { [UInt8]($0) }
        defer { zeroize(&bytes) }
        let request = WrapRequest(masterKeyID: masterKeyID, key: bytes, policy: policy)
        do {
            return try await client.wrap(request, credential: credential).wrappedKey
        } catch {
            throw Self.failure("wrap a key with", masterKeyID: masterKeyID, error)
        }
    }

    /// Unwraps through CAS, once per (master key, wrapped text) for the life of this client.
    public func unwrap(_ wrappedKey: String, masterKeyID: String) async throws -> SecretKey {
        let cacheKey = CacheKey(masterKeyID: masterKeyID, wrappedKey: wrappedKey)
        if let cached = unwrapped.withLock({ $0[cacheKey] }) { return cached }
        let request = UnwrapRequest(masterKeyID: masterKeyID, wrappedKey: wrappedKey, policy: policy)
        var response: UnwrapResponse
        do {
            response = try await client.unwrap(request, credential: credential)
        } catch {
            throw Self.failure("unwrap a key with", masterKeyID: masterKeyID, error)
        }
        defer { zeroize(&response.key) }
        let key: SecretKey
        do {
            key = try SecretKey(bytes: response.key)
        } catch {
            throw RuntimeError(.kms, "CAS returned a key of \(response.key.count) bytes for master key \(masterKeyID), not an AES key")
        }
        return unwrapped.withLock { cache in
            if let raced = cache[cacheKey] { return raced }
            cache[cacheKey] = key
            return key
        }
    }

    // The synchronous `KeyProvider` calls are refused: a thread never waits on CAS. Work that
    // runs synchronously gets its keys beforehand — a query's Parquet keys from `KeyPrefetch`,
    // a writer's key-encryption keys prepared with `wrap` — and everything else awaits `wrap`
    // and `unwrap` (the KMS proxy, code bundles, database column keys).

    public func wrapKey(_ key: SecretKey, masterKeyID: String) throws -> String {
        throw RuntimeError(.kms, "master key \(masterKeyID) is held by CAS: keys are wrapped through it before the work starts, not while it runs")
    }

    public func unwrapKey(_ wrappedKey: String, masterKeyID: String) throws -> SecretKey {
        if let cached = unwrapped.withLock({ $0[CacheKey(masterKeyID: masterKeyID, wrappedKey: wrappedKey)] }) {
            return cached
        }
        throw RuntimeError(.kms, "master key \(masterKeyID) is held by CAS: its keys are fetched before the work starts, and this one was not")
    }

    /// The problem's detail says why (not allowed for this service, unknown key, bad token);
    /// it never carries key bytes.
    private static func failure(_ operation: String, masterKeyID: String, _ error: any Error) -> any Error {
        guard let error = error as? CASClientError else { return error }
        return switch error.code {
        case .refused:
            RuntimeError(.kms, "CAS refused to \(operation) master key \(masterKeyID): \(error.detail)")
        default:
            RuntimeError(.kms, "cannot \(operation) master key \(masterKeyID) through CAS: \(error.detail)")
        }
    }
}
