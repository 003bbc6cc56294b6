/// The kinds of trusted execution environment whose evidence Strongroom verifies.
/// Raw values are the wire and policy names (`kind:` in policies, `"kind"` in evidence JSON).
public enum TEEKind: String, Sendable, Codable, CaseIterable, Hashable {
    case sevSNP = "sev-snp"
    case tdx = "tdx"
    case sgx = "sgx"
    case azureSNPvTPM = "az-snp-vtpm"
    case azureTDXvTPM = "az-tdx-vtpm"
    case maa = "maa"
    /// The node agent's simulated TEE (ARCHITECTURE.md): development and CI only.
    case simulated = "simulated"
}
