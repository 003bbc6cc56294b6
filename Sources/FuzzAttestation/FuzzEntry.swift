// libFuzzer entry points for the evidence parsers, one per binary (scripts/fuzz.sh compiles
// this file with the parser sources and -D FUZZ_<PARSER>). Not a SwiftPM target: Package.swift
// has no fuzz target, so the script drives swiftc directly.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
    #if FUZZ_SNP_REPORT
        _ = try? SNPReport(bytes: bytes)
    #elseif FUZZ_AMD_CERTIFICATE
        if let certs = try? AMDCertificate.certificates(pemOrDER: bytes, role: "fuzz") {
            for cert in certs { _ = try? VEKCertificate(cert) }
        }
    #elseif FUZZ_AMD_CRL
        _ = try? AMDRevocationList(derEncoded: bytes)
    #elseif FUZZ_HCL_REPORT
        if let hcl = try? HCLReport(bytes: bytes) {
            try? hcl.checkRuntimeClaimsBinding()
            _ = try? HCLRuntimeClaims(json: hcl.runtimeClaimsJSON)
        }
    #elseif FUZZ_TPM_ATTEST
        _ = try? TPMSAttest(bytes: bytes)
    #elseif FUZZ_AZURE_EVIDENCE
        _ = try? AzureVTPMEvidence(json: bytes)
    #elseif FUZZ_MAA_TOKEN
        if let token = try? MAAToken(compact: bytes) { _ = try? token.claims() }
        _ = try? MAAJWKS(json: bytes)
    #endif
    return 0
}
