import CASCore
import Foundation
import Policy

extension CASClient {
    /// The whole audit chain (or one policy's entries), read page by page, as an export that
    /// `AuditVerifier` checks and `strongroom audit export` writes (administrator or an auditor).
    public func exportAudit(as identity: OwnerIdentity, policy: String? = nil) async throws -> AuditExport {
        var entries: [AuditEntry] = []
        var checkpoints: [AuditCheckpoint] = []
        var from = 1
        let encoder = APIJSON.encoder()
        while true {
            let page = try await audit(AuditQuery(from: from, limit: AuditQuery.maximumLimit, policy: policy), as: identity)
            for entry in page.entries {
                entries.append(try JSONDecoder().decode(AuditEntry.self, from: encoder.encode(entry)))
            }
            for checkpoint in page.checkpoints where !checkpoints.contains(where: { $0.seq == checkpoint.seq }) {
                checkpoints.append(try JSONDecoder().decode(AuditCheckpoint.self, from: encoder.encode(checkpoint)))
            }
            guard let last = page.entries.last, page.entries.count == AuditQuery.maximumLimit else { break }
            from = Int(last.seq) + 1
        }
        return AuditExport(entries: entries, checkpoints: checkpoints)
    }
}
