/// Whether a new policy version may follow the current one (docs/design/cas.md "Submission").
public enum PolicyAcceptance: Sendable, Equatable {
    /// Accepted; the owner names whose signatures counted, sorted.
    case accepted(approvedBy: [String])
    case refused(PolicyRefusal)
}

/// The version chain rule: version 1 needs `approvals_required` signatures of its own owners;
/// version n+1 names version n's hash in `previous` and needs `approvals_required` signatures
/// of version n's owners (so new owners cannot approve their own admission).
public enum PolicyHistory {
    public static func accept(new: PolicyVersion, signatures: [PolicySignature], current: PolicyVersion?) -> PolicyAcceptance {
        let doc = new.document
        let approvers: [NamedKey]
        let required: Int
        if let current {
            guard doc.name == current.document.name else {
                return .refused(PolicyRefusal(.wrongPolicy, "policy \"\(doc.name)\" cannot replace policy \"\(current.document.name)\""))
            }
            guard doc.version == current.document.version + 1 else {
                return .refused(PolicyRefusal(
                    .versionOutOfOrder,
                    "policy \(doc.name) version \(doc.version) does not follow the latest version \(current.document.version); expected \(current.document.version + 1)"))
            }
            guard doc.previous == current.hash else {
                return .refused(PolicyRefusal(
                    .previousMismatch,
                    "policy \(doc.name) version \(doc.version) names previous \(doc.previous ?? "none"), but version \(current.document.version) has hash \(current.hash)"))
            }
            approvers = current.document.owners
            required = current.document.approvalsRequired
        } else {
            guard doc.version == 1 else {
                return .refused(PolicyRefusal(
                    .versionOutOfOrder, "policy \(doc.name) does not exist yet; its first version must be 1, not \(doc.version)"))
            }
            approvers = doc.owners
            required = doc.approvalsRequired
        }

        // Each owner counts once however many signatures name it; signatures of anyone who is
        // not an approver, and invalid signatures, count for nothing.
        var approvedBy: Set<String> = []
        for owner in approvers where signatures.contains(where: { $0.isValid(for: new, by: owner.publicKey) }) {
            approvedBy.insert(owner.name)
        }
        guard approvedBy.count >= required else {
            let whose = current == nil ? "its owners" : "the owners of version \(doc.version - 1)"
            return .refused(PolicyRefusal(
                .insufficientApprovals,
                "policy \(doc.name) version \(doc.version) needs \(required) valid signature(s) of \(whose), got \(approvedBy.count)"))
        }
        return .accepted(approvedBy: approvedBy.sorted())
    }
}
