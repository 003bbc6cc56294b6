import Foundation
import Support

/// Azure confidential VMs on SEV-SNP (`az-snp-vtpm`): the HCL report's SNP report verifies with
/// SNPVerifier (VCEK from the evidence or from collateral "vcek", chain to the bundled ARK), its
/// report data binds the runtime claims, whose HCLAkPub verifies the TPM quote.
///
/// Claims: `measurement` = the SNP launch measurement (of the paravisor), `reportData` = the TPM
/// quote's extraData (the verifier's nonce / report-data binding), `debug` = SNP policy bit 19;
/// `values` = SNPVerifier's values plus pcr0…pcr23 (hex), vm_configuration.*, vm_unique_id,
/// user_data from the runtime claims, and tpm.extra_data (hex).
public struct AzureSNPVTPMVerifier: EvidenceVerifier {
    public var kind: TEEKind { .azureSNPvTPM }
    public var snp: SNPVerifier

    public init(snp: SNPVerifier = SNPVerifier()) {
        self.snp = snp
    }

    public func verify(_ evidence: Evidence, now: Date) throws(AttestationError) -> AttestationClaims {
        guard evidence.kind == .azureSNPvTPM else {
            throw AttestationError(.unsupportedKind, "AzureSNPVTPMVerifier verifies az-snp-vtpm evidence, not \(evidence.kind.rawValue)")
        }
        let parsed = try AzureVTPMEvidence(json: evidence.report)
        let hcl = try HCLReport(bytes: parsed.hclReport)
        guard case .snp(let report) = hcl.hardwareReport else {
            throw AttestationError(.malformedEvidence, "az-snp-vtpm HCL report carries a TDX report")
        }
        var collateral = evidence.collateral
        if collateral["vcek"] == nil, collateral["vlek"] == nil, let vcek = parsed.vcek { collateral["vcek"] = vcek }
        let verified = try snp.verifyReport(report, collateral: collateral, now: now)
        try hcl.checkRuntimeClaimsBinding()
        let runtime = try HCLRuntimeClaims(json: hcl.runtimeClaimsJSON)
        try parsed.tpmQuote.verify(attestationKey: runtime.attestationKey)

        var claims = verified.claims
        claims.kind = .azureSNPvTPM
        claims.reportData = parsed.tpmQuote.attest.extraData
        claims.values.merge(AzureVTPMClaims.values(quote: parsed.tpmQuote, runtime: runtime)) { _, new in new }
        return claims
    }
}

/// The vTPM layer's claim values, shared by the SNP and TDX verifiers.
enum AzureVTPMClaims {
    static func values(quote: TPMQuote, runtime: HCLRuntimeClaims) -> [String: String] {
        var values = runtime.values
        for selection in quote.attest.pcrSelections {
            for index in selection.indices where index < quote.pcrs.count {
                values["pcr\(index)"] = LowercaseHex.encode(quote.pcrs[index])
            }
        }
        values["tpm.extra_data"] = LowercaseHex.encode(quote.attest.extraData)
        return values
    }
}
