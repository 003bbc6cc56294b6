import Foundation
import _CryptoExtras
import Support

/// The runtime-claims JSON of an HCL report: `keys` (JWKs, among them the vTPM attestation key
/// "HCLAkPub"), `vm-configuration` and `user-data`. Trusted only after
/// `HCLReport.checkRuntimeClaimsBinding()`.
public struct HCLRuntimeClaims: Sendable {
    public let attestationKey: _RSA.Signing.PublicKey
    /// Flattened scalar values for claims: "vm_configuration.secure_boot", "vm_unique_id", "user_data"…
    public let values: [String: String]

    public init(json: [UInt8]) throws(AttestationError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)), let root = object as? [String: Any] else {
            throw AttestationError(.malformedEvidence, "HCL runtime claims are not a JSON object")
        }
        guard let keys = root["keys"] as? [Any] else {
            throw AttestationError(.malformedEvidence, "HCL runtime claims have no \"keys\" array")
        }
        let ak = keys.compactMap { $0 as? [String: Any] }.first { ($0["kid"] as? String) == "HCLAkPub" }
        guard let ak else {
            throw AttestationError(.malformedEvidence, "HCL runtime claims have no HCLAkPub key")
        }
        guard ak["kty"] as? String == "RSA", let n = (ak["n"] as? String).flatMap(Base64URL.decode),
            let e = (ak["e"] as? String).flatMap(Base64URL.decode)
        else {
            throw AttestationError(.malformedEvidence, "HCLAkPub is not an RSA JWK with n and e")
        }
        do {
            attestationKey = try _RSA.Signing.PublicKey(n: n, e: e)
        } catch {
            throw AttestationError(.malformedEvidence, "HCLAkPub is not a usable RSA public key")
        }
        var values: [String: String] = [:]
        if let config = root["vm-configuration"] as? [String: Any] {
            for (key, value) in config {
                let name = key == "vmUniqueId" ? "vm_unique_id" : "vm_configuration." + key.replacingOccurrences(of: "-", with: "_")
                if let s = value as? String {
                    values[name] = s
                } else if let b = value as? Bool {
                    values[name] = String(b)
                } else if let n = value as? NSNumber {
                    values[name] = n.stringValue
                }
            }
        }
        if let userData = root["user-data"] as? String { values["user_data"] = userData.lowercased() }
        self.values = values
    }
}
