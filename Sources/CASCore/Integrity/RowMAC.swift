import Crypto
import Foundation

/// The MACs CAS puts on the rows of its own tables that grant authority, so that a row
/// inserted or changed in the database by anyone but CAS (a database administrator, a restored
/// backup of another CAS) is noticed when it is loaded (docs/design/threat-model.md T-STORE-*).
/// Master keys and secrets need none: their sealing binds "policy/id" as associated data.
public enum RowMAC {
    public static func policyVersion(_ record: PolicyVersionRecord, sealer: Sealer) -> [UInt8] {
        sealer.mac(table: "policy_versions", fields: policyVersionFields(record))
    }

    public static func verify(_ record: PolicyVersionRecord, sealer: Sealer) -> Bool {
        sealer.verifyMAC(record.mac, table: "policy_versions", fields: policyVersionFields(record))
    }

    public static func trustedNode(_ record: TrustedNodeRecord, sealer: Sealer) -> [UInt8] {
        sealer.mac(table: "nodes", fields: nodeFields(record))
    }

    public static func verify(_ record: TrustedNodeRecord, sealer: Sealer) -> Bool {
        sealer.verifyMAC(record.mac, table: "nodes", fields: nodeFields(record))
    }

    /// The administrator's public key text kept in meta.
    public static func administrator(_ text: String, sealer: Sealer) -> [UInt8] {
        sealer.mac(table: "meta", fields: [Array("cas.administrator".utf8), Array(text.utf8)])
    }

    private static func policyVersionFields(_ record: PolicyVersionRecord) -> [[UInt8]] {
        let signatures = record.signatures.map { $0.keyID + ":" + Data($0.signature).base64EncodedString() }.joined(separator: ",")
        return [
            Array(record.name.utf8), Array(String(record.version).utf8), Array(record.hash.utf8),
            Array((record.previous ?? "").utf8), Array(SHA256.hash(data: record.yaml)), Array(signatures.utf8),
        ]
    }

    private static func nodeFields(_ record: TrustedNodeRecord) -> [[UInt8]] {
        [Array(record.keyID.utf8), Array(record.name.utf8), Array(record.publicKey.utf8)]
    }
}
