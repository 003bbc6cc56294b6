import Foundation

/// Verifies a Microsoft Azure Attestation token (`Evidence.report` = the compact JWT) against a
/// configured JWKS: RS256 signature by the key `kid` names, its x5c chain, the issuer, and
/// exp/nbf at `now` (with `leeway` seconds).
///
/// Claims: kind maa; `values["attestation_type"]` = the TEE MAA attested (x-ms-attestation-type,
/// or x-ms-isolation-tee's for Azure CVMs: "sgx", "sevsnpvm", "tdxvm"); `values["issuer"]`;
/// every scalar x-ms-* claim (also those inside x-ms-isolation-tee) under its own name; and the
/// policy names: SGX mrsigner, isv_prod_id, isv_svn (measurement = MRENCLAVE, reportData =
/// x-ms-sgx-report-data, debug = x-ms-sgx-is-debuggable); SEV-SNP host_data, guest_svn, vmpl,
/// id_key_digest, author_key_digest, family_id, image_id, report_id, chip_id?,
/// tcb.bootloader/tee/snp/microcode (measurement = x-ms-sevsnpvm-launchmeasurement, reportData =
/// x-ms-sevsnpvm-reportdata, debug = x-ms-sevsnpvm-is-debuggable); TDX mrtd, rtmr0–3,
/// mrconfigid, mrowner (tdx_* claims).
public struct MAAVerifier: EvidenceVerifier {
    public var kind: TEEKind { .maa }
    public let jwks: MAAJWKS
    /// Accepted `iss` values (the MAA instance URLs); empty accepts any issuer the JWKS signs for.
    public let issuers: Set<String>
    public let leeway: TimeInterval

    public init(jwks: MAAJWKS, issuers: Set<String>, leeway: TimeInterval = 0) {
        self.jwks = jwks
        self.issuers = issuers
        self.leeway = leeway
    }

    public func verify(_ evidence: Evidence, now: Date) throws(AttestationError) -> AttestationClaims {
        guard evidence.kind == .maa else {
            throw AttestationError(.unsupportedKind, "MAAVerifier verifies maa tokens, not \(evidence.kind.rawValue)")
        }
        let token = try MAAToken(compact: evidence.report)
        guard let kid = token.kid, let key = jwks.keys[kid] else {
            throw AttestationError(.untrustedSigner, "MAA token kid \(token.kid ?? "(none)") is not in the configured JWKS")
        }
        try token.verifySignature(with: key.publicKey)
        try MAAJWKS.checkChain(key, now: now)
        let claims = try token.claims()

        guard let iss = claims["iss"]?.string else {
            throw AttestationError(.malformedEvidence, "MAA token has no iss")
        }
        if !issuers.isEmpty, !issuers.contains(iss) {
            throw AttestationError(.untrustedSigner, "MAA token issuer \(iss) is not a configured issuer")
        }
        let t = now.timeIntervalSince1970
        guard let exp = claims["exp"]?.number else {
            throw AttestationError(.malformedEvidence, "MAA token has no numeric exp")
        }
        if t > exp + leeway {
            throw AttestationError(.expired, "MAA token expired at \(ASN1Time.text(Date(timeIntervalSince1970: exp)))")
        }
        if let nbf = claims["nbf"]?.number, t + leeway < nbf {
            throw AttestationError(.expired, "MAA token not valid before \(ASN1Time.text(Date(timeIntervalSince1970: nbf)))")
        }
        return try MAAClaimMapping.claims(from: claims, issuer: iss)
    }
}
