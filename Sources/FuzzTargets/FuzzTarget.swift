/// Every parser that reads bytes an attacker may choose, as a fuzz target: the input goes in,
/// errors are the expected outcome, and a crash, a hang or a broken invariant (a `precondition`
/// here) is a bug. `strongroom-fuzz` runs them under libFuzzer (scripts/fuzz.sh) or replays
/// files; `FuzzRegressionTests` replays every input kept in Tests/FuzzRegressions/<target>/.
public enum FuzzTarget: String, CaseIterable, Sendable {
    // Evidence (Sources/Attestation)
    case snpReport = "snp-report"
    case amdCertificate = "amd-certificate"
    case amdCRL = "amd-crl"
    case hclReport = "hcl-report"
    case tpmAttest = "tpm-attest"
    case azureEvidence = "azure-evidence"
    case maaToken = "maa-token"
    case dcapQuote = "dcap-quote"
    case dcapCollateral = "dcap-collateral"
    // Parquet (Sources/Parquet)
    case parquetFile = "parquet-file"
    case parquetThrift = "parquet-thrift"
    case pmeKeyMaterial = "pme-key-material"
    // SQL and policies
    case sql = "sql"
    case policyYAML = "policy-yaml"

    /// Runs one input through the target's parsers.
    public func run(_ bytes: [UInt8]) {
        switch self {
        case .snpReport, .amdCertificate, .amdCRL, .hclReport, .tpmAttest, .azureEvidence, .maaToken,
            .dcapQuote, .dcapCollateral:
            EvidenceFuzzing.run(self, bytes)
        case .parquetFile, .parquetThrift, .pmeKeyMaterial:
            ParquetFuzzing.run(self, bytes)
        case .sql, .policyYAML:
            TextFuzzing.run(self, bytes)
        }
    }

    /// Files of `../shared/vectors` (glob patterns relative to it) that seed this target's
    /// corpus besides Tests/FuzzRegressions/<target>/; scripts/fuzz.sh copies them.
    public var vectorSeeds: [String] {
        switch self {
        case .snpReport: ["attestation/amd-sev-snp/*/*.bin"]
        case .amdCertificate: ["attestation/amd-sev-snp/*/*.der", "attestation/amd-sev-snp/*/*.pem"]
        case .amdCRL: ["attestation/amd-sev-snp/*/*.der"]
        case .hclReport: ["attestation/azure-vtpm/*/hcl-report.bin"]
        case .tpmAttest: ["attestation/azure-vtpm/*/tpm-quote-v1.json"]
        case .azureEvidence: ["attestation/azure-vtpm/*/evidence-*.json"]
        case .maaToken: ["attestation/azure-maa/*/*.jwt", "attestation/azure-maa/*/*.jwks.json"]
        case .dcapQuote: ["attestation/intel-*/*/*quote*", "attestation/intel-*/*/*.dat"]
        case .dcapCollateral: ["attestation/intel-tdx/go-tdx-guest/sample_*_response"]
        case .parquetFile: ["parquet/plain/*.parquet", "parquet/bad_data/*.parquet", "parquet/encrypted/*.encrypted"]
        case .parquetThrift: ["parquet/plain/*.parquet", "parquet/bad_data/*.parquet"]
        case .pmeKeyMaterial: ["parquet/encrypted/*.json"]
        case .sql, .policyYAML: []
        }
    }
}
