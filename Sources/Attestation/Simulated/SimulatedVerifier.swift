import Foundation
import Support

/// Verifies `SimulatedReport`s: the node key must be one CAS trusts, the Ed25519 signature
/// must hold, and the report must be fresh. Simulated evidence proves only that a trusted
/// agent measured the process; policies must opt in with `allow_simulation: true`.
public struct SimulatedVerifier: EvidenceVerifier {
    public var kind: TEEKind { .simulated }
    /// Trusted node keys by their key id (hex SHA-256 of the raw key), re-derived from the keys.
    public let trustedNodes: [String: NodePublicKey]
    /// Oldest report accepted, in seconds.
    public let maxAge: TimeInterval
    /// Reports dated this far in the future are still accepted (clock skew between agent and CAS).
    public let allowedClockSkew: TimeInterval

    /// `trustedNodes` maps any caller-side id to a key; the verifier indexes the keys by the id
    /// a report carries (SHA-256 of the key), so a mislabelled entry cannot vouch for another key.
    public init(trustedNodes: [String: NodePublicKey], maxAge: TimeInterval = 300, allowedClockSkew: TimeInterval = 30) {
        self.init(trusting: Array(trustedNodes.values), maxAge: maxAge, allowedClockSkew: allowedClockSkew)
    }

    public init(trusting keys: [NodePublicKey], maxAge: TimeInterval = 300, allowedClockSkew: TimeInterval = 30) {
        var byID: [String: NodePublicKey] = [:]
        for key in keys { byID[key.keyID] = key }
        self.trustedNodes = byID
        self.maxAge = maxAge
        self.allowedClockSkew = allowedClockSkew
    }

    public func verify(_ evidence: Evidence, now: Date) throws(AttestationError) -> AttestationClaims {
        guard evidence.kind == .simulated else {
            throw AttestationError(.unsupportedKind, "simulated verifier got evidence of kind \(evidence.kind.rawValue)")
        }
        let report = try SimulatedReport.parse(evidence.report)
        let nodeKeyID = LowercaseHex.encode(report.nodeKeyID)
        guard let nodeKey = trustedNodes[nodeKeyID] else {
            throw AttestationError(.untrustedSigner, "simulated report signed by node key \(nodeKeyID), which is not trusted")
        }
        guard nodeKey.isValidSignature(report.signature, for: Array(evidence.report.prefix(SimulatedReport.signedByteCount))) else {
            throw AttestationError(.badSignature, "simulated report signature does not verify with node key \(nodeKeyID)")
        }
        let nowSeconds = now.timeIntervalSince1970
        let issued = Double(report.issuedAt)
        guard issued <= nowSeconds + allowedClockSkew else {
            throw AttestationError(.expired, "simulated report issued \(Int(issued - nowSeconds)) s in the future")
        }
        guard nowSeconds - issued <= maxAge else {
            throw AttestationError(.expired, "simulated report is \(Int(nowSeconds - issued)) s old, maximum \(Int(maxAge)) s")
        }
        return AttestationClaims(
            kind: .simulated,
            measurement: LowercaseHex.encode(report.measurement),
            reportData: report.reportData,
            debug: report.debug,
            simulated: true,
            values: ["node_key_id": nodeKeyID, "pid": String(report.pid)])
    }
}
