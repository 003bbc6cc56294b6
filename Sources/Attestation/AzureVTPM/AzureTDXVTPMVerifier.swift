import Foundation
import Support

/// Azure confidential VMs on TDX (`az-tdx-vtpm`): the TD quote verifies through the TDX
/// (DCAP) verifier the caller supplies; the HCL report's TDREPORT must carry the quote's report
/// data and MRTD, its report data binds the runtime claims, whose HCLAkPub verifies the TPM quote.
/// Collateral is passed unchanged to the TDX verifier (tcbInfo, QE identity, CRLs…).
///
/// Claims: the TDX verifier's claims (measurement = MRTD, TCB status, advisories, values), with
/// `kind` az-tdx-vtpm, `reportData` = the TPM quote's extraData, plus pcr0…pcr23,
/// vm_configuration.*, vm_unique_id, user_data and tpm.extra_data in `values`.
public struct AzureTDXVTPMVerifier: EvidenceVerifier {
    public var kind: TEEKind { .azureTDXvTPM }
    public let tdx: any EvidenceVerifier

    public init(tdx: any EvidenceVerifier) {
        self.tdx = tdx
    }

    public func verify(_ evidence: Evidence, now: Date) throws(AttestationError) -> AttestationClaims {
        guard evidence.kind == .azureTDXvTPM else {
            throw AttestationError(.unsupportedKind, "AzureTDXVTPMVerifier verifies az-tdx-vtpm evidence, not \(evidence.kind.rawValue)")
        }
        guard tdx.kind == .tdx else {
            throw AttestationError(.unsupportedKind, "AzureTDXVTPMVerifier needs a tdx verifier, was given \(tdx.kind.rawValue)")
        }
        let parsed = try AzureVTPMEvidence(json: evidence.report)
        let hcl = try HCLReport(bytes: parsed.hclReport)
        guard case .tdx(let tdReport) = hcl.hardwareReport else {
            throw AttestationError(.malformedEvidence, "az-tdx-vtpm HCL report carries an SNP report")
        }
        guard let tdQuote = parsed.tdQuote else {
            throw AttestationError(.malformedEvidence, "az-tdx-vtpm evidence has no \"td_quote\"")
        }
        var claims = try tdx.verify(Evidence(kind: .tdx, report: tdQuote, collateral: evidence.collateral), now: now)
        guard claims.reportData == tdReport.reportData else {
            throw AttestationError(.reportDataMismatch, "TD quote report data differs from the HCL TDREPORT's")
        }
        guard claims.measurement.lowercased() == LowercaseHex.encode(tdReport.mrTD) else {
            throw AttestationError(.reportDataMismatch, "TD quote MRTD differs from the HCL TDREPORT's")
        }
        try hcl.checkRuntimeClaimsBinding()
        let runtime = try HCLRuntimeClaims(json: hcl.runtimeClaimsJSON)
        try parsed.tpmQuote.verify(attestationKey: runtime.attestationKey)

        claims.kind = .azureTDXvTPM
        claims.reportData = parsed.tpmQuote.attest.extraData
        claims.values.merge(AzureVTPMClaims.values(quote: parsed.tpmQuote, runtime: runtime)) { _, new in new }
        return claims
    }
}
