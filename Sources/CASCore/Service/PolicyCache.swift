import Policy
import Synchronization

/// Parsed policy versions by hash. A version's bytes never change (the hash names them), so a
/// parse can be reused for every attestation and key request; the store stays the source of
/// truth for which version is current.
final class PolicyCache: Sendable {
    private let versions = Mutex<[String: PolicyVersion]>([:])
    let capacity: Int

    init(capacity: Int = 256) {
        self.capacity = capacity
    }

    func version(for record: PolicyVersionRecord) throws(PolicyError) -> PolicyVersion {
        if let cached = versions.withLock({ $0[record.hash] }) { return cached }
        let parsed = try PolicyVersion(yaml: record.yaml)
        versions.withLock { versions in
            if versions.count >= capacity { versions.removeAll(keepingCapacity: true) }
            versions[parsed.hash] = parsed
        }
        return parsed
    }
}
