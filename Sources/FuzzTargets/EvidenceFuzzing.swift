import Attestation

/// The evidence parsers: AMD SEV-SNP reports, certificates and CRLs, Azure vTPM evidence (HCL
/// report, TPM quote, the evidence JSON), MAA tokens and key sets, Intel DCAP quotes and the
/// signed collateral JSON.
enum EvidenceFuzzing {
    static func run(_ target: FuzzTarget, _ bytes: [UInt8]) {
        switch target {
        case .snpReport:
            _ = try? SNPReport(bytes: bytes)
        case .amdCertificate:
            if let certificates = try? AMDCertificate.certificates(pemOrDER: bytes, role: "fuzz") {
                for certificate in certificates { _ = try? VEKCertificate(certificate) }
            }
        case .amdCRL:
            _ = try? AMDRevocationList(derEncoded: bytes)
        case .hclReport:
            if let report = try? HCLReport(bytes: bytes) {
                try? report.checkRuntimeClaimsBinding()
                _ = try? HCLRuntimeClaims(json: report.runtimeClaimsJSON)
            }
        case .tpmAttest:
            _ = try? TPMSAttest(bytes: bytes)
        case .azureEvidence:
            _ = try? AzureVTPMEvidence(json: bytes)
        case .maaToken:
            if let token = try? MAAToken(compact: bytes) { _ = try? token.claims() }
            _ = try? MAAJWKS(json: bytes)
        case .dcapQuote:
            if let quote = try? DCAPQuote(bytes: bytes) {
                // A parsed quote is consistent with its input: the signed part is a prefix of it.
                precondition(quote.signedBytes.count <= bytes.count)
                precondition(Array(bytes.prefix(quote.signedBytes.count)) == quote.signedBytes)
            }
        case .dcapCollateral:
            _ = try? JSONMemberSpans.topLevel(bytes, name: "fuzz")
        default:
            preconditionFailure("\(target) is not an evidence target")
        }
    }
}
