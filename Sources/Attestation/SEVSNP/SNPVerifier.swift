import Foundation
import Support

/// Verifies raw SEV-SNP evidence (`Evidence.report` = the 1184-byte ATTESTATION_REPORT, e.g.
/// configfs-tsm's outblob) with collateral supplied by the caller, since CAS may have no network:
/// - `vcek` or `vlek`: the endorsement key certificate (DER or PEM);
/// - `cert_chain` (optional): ASK/ASVK (and ARK) certificates, DER concatenated or PEM; an ARK
///   there must equal the bundled one, an ASK/ASVK must be signed by it;
/// - `crl` (optional): AMD's CRL for the product (DER or PEM); when given it must verify with the
///   ARK and must not list the ASK/ASVK or VEK.
///
/// Order of checks: report parses → VEK certificate parses → VEK → ASK/ASVK → ARK (RSA-PSS) and
/// validity at `now` → CRL → ECDSA P-384 report signature → VEK TCB extensions equal the reported
/// TCB, hwID equals chip_id → product agrees with CPUID → `requirements`.
///
/// Claims: `measurement` (hex), `reportData` (REPORT_DATA), `debug` (policy bit 19), and
/// `values`: report_version, guest_svn, policy (16 hex digits), policy.debug, policy.migrate_ma,
/// policy.smt, policy.single_socket ("true"/"false"), vmpl, host_data, family_id, image_id,
/// id_key_digest, author_key_digest, report_id, report_id_ma, chip_id, platform_info,
/// platform.smt_enabled, product ("Milan"/"Genoa"/"Turin"), signing_key ("vcek"/"vlek"),
/// vlek.csp_id (VLEK only), firmware_version ("1.55.29"), tcb.bootloader, tcb.tee, tcb.snp,
/// tcb.microcode, tcb.fmc (Turin) from REPORTED_TCB; current_tcb.* and committed_tcb.* the same way.
public struct SNPVerifier: EvidenceVerifier {
    public var kind: TEEKind { .sevSNP }
    public var roots: AMDRootSet
    public var requirements: SNPRequirements

    public init(roots: AMDRootSet = .bundled, requirements: SNPRequirements = SNPRequirements()) {
        self.roots = roots
        self.requirements = requirements
    }

    public func verify(_ evidence: Evidence, now: Date) throws(AttestationError) -> AttestationClaims {
        guard evidence.kind == .sevSNP else {
            throw AttestationError(.unsupportedKind, "SNPVerifier verifies sev-snp evidence, not \(evidence.kind.rawValue)")
        }
        let report = try SNPReport(bytes: evidence.report)
        let verified = try verifyReport(report, collateral: evidence.collateral, now: now)
        return verified.claims
    }

    /// Everything but the evidence envelope: shared with the Azure SNP vTPM verifier, whose HCL
    /// report embeds an SNP report.
    public func verifyReport(
        _ report: SNPReport, collateral: [String: [UInt8]], now: Date
    ) throws(AttestationError) -> SNPVerifiedReport {
        let vek = try Self.endorsementKey(for: report, collateral: collateral)
        let supplied = try collateral["cert_chain"].map { bytes throws(AttestationError) in
            try AMDCertificate.certificates(pemOrDER: bytes, role: "cert_chain")
        } ?? []
        let chain = try AMDCertificateChain(vek: vek, supplied: supplied, roots: roots, now: now)

        if let crlBytes = collateral["crl"] {
            let crl = try AMDRevocationList(derEncoded: try Self.derFromPEMOrDER(crlBytes, label: "X509 CRL", role: "CRL"))
            try crl.verify(issuedBy: chain.ark, now: now)
            for (cert, name) in [(chain.intermediate, chain.intermediate.subjectCommonName ?? "ASK"), (vek.certificate, vek.kind.rawValue)]
            where crl.isRevoked(cert) {
                throw AttestationError(
                    .certificateChain,
                    "\(name) certificate (serial \(LowercaseHex.encode(cert.serialNumber))) is revoked by the \(chain.ark.subjectCommonName ?? "ARK") CRL")
            }
        } else if requirements.requireCRL {
            throw AttestationError(.certificateChain, "no CRL supplied (collateral \"crl\") and one is required")
        }

        try SNPReportSignature.verify(report, with: vek.publicKey, signer: vek.kind.rawValue)

        if let cpuidProduct = report.cpuidProduct, cpuidProduct != chain.product {
            throw AttestationError(
                .certificateChain,
                "report CPUID names \(cpuidProduct.rawValue) but the \(vek.kind.rawValue) is issued for \(chain.product.rawValue)")
        }
        try Self.checkTCB(report: report, vek: vek, product: chain.product)
        try Self.checkHardwareID(report: report, vek: vek)
        try Self.check(requirements, report: report, product: chain.product)
        return SNPVerifiedReport(report: report, product: chain.product, vek: vek)
    }

    /// The VEK certificate must be for exactly the reported TCB: the VCEK/VLEK is derived from it.
    public static func checkTCB(report: SNPReport, vek: VEKCertificate, product: SNPProduct) throws(AttestationError) {
        let reported = report.reportedTCB(product)
        let certified = vek.tcb
        let pairs: [(String, UInt8, UInt8)] = [
            ("bootloader", certified.bootloader, reported.bootloader), ("tee", certified.tee, reported.tee),
            ("snp", certified.snp, reported.snp), ("microcode", certified.microcode, reported.microcode),
        ]
        for (name, cert, rep) in pairs where cert != rep {
            throw AttestationError(
                .tcb, "TCB SVN in \(vek.kind.rawValue) (\(name) \(cert)) differs from reported TCB (\(name) \(rep))")
        }
        if product == .turin, let certFMC = certified.fmc, let repFMC = reported.fmc, certFMC != repFMC {
            throw AttestationError(
                .tcb, "TCB SVN in \(vek.kind.rawValue) (fmc \(certFMC)) differs from reported TCB (fmc \(repFMC))")
        }
    }

    /// A VCEK belongs to one chip: its hwID must be the report's CHIP_ID. Skipped when the host
    /// masks CHIP_ID (the signature still binds the report to this chip's key) and for VLEKs.
    public static func checkHardwareID(report: SNPReport, vek: VEKCertificate) throws(AttestationError) {
        guard vek.kind == .vcek, !report.chipIDMasked, let hwid = vek.hardwareID else { return }
        guard Array(report.chipID.prefix(hwid.count)) == hwid else {
            throw AttestationError(.untrustedSigner, "VCEK hwID differs from the report's chip_id")
        }
    }

    static func check(_ req: SNPRequirements, report: SNPReport, product: SNPProduct) throws(AttestationError) {
        if let maximum = req.maximumVMPL, report.vmpl > maximum {
            throw AttestationError(.tcb, "report VMPL \(report.vmpl) is above the maximum \(maximum)")
        }
        if !req.allowDebug, report.policy.debugAllowed {
            throw AttestationError(.tcb, "guest policy allows debugging (policy bit 19)")
        }
        if !req.allowMigrationAgent, report.policy.migrationAgentAllowed {
            throw AttestationError(.tcb, "guest policy allows a migration agent (policy bit 18)")
        }
        if !req.allowSMT, report.platformInfo.smtEnabled {
            throw AttestationError(.tcb, "SMT is enabled on the platform (platform_info bit 0)")
        }
        if let minimum = req.minimumTCB, let below = report.reportedTCB(product).firstComponentBelow(minimum) {
            throw AttestationError(.tcb, "reported TCB \(below.name) \(below.value) is below the minimum \(below.minimum)")
        }
    }

    static func endorsementKey(for report: SNPReport, collateral: [String: [UInt8]]) throws(AttestationError) -> VEKCertificate {
        let expected: VEKCertificate.Kind
        switch report.signingKey {
        case .vcek: expected = .vcek
        case .vlek: expected = .vlek
        case .none: throw AttestationError(.untrustedSigner, "SNP report is unsigned (key_info signing_key 7)")
        case .reserved(let v): throw AttestationError(.malformedEvidence, "SNP report key_info signing_key \(v) at offset 0x48 is reserved")
        }
        let key = expected == .vcek ? "vcek" : "vlek"
        guard let bytes = collateral[key] ?? collateral[expected == .vcek ? "vlek" : "vcek"] else {
            throw AttestationError(
                .malformedEvidence, "SNP report is signed with the \(expected.rawValue) but no collateral \"vcek\" or \"vlek\" certificate was supplied")
        }
        let vek = try VEKCertificate(AMDCertificate(pemOrDER: bytes, role: expected.rawValue))
        guard vek.kind == expected else {
            throw AttestationError(
                .untrustedSigner, "SNP report is signed with the \(expected.rawValue) (key_info) but the supplied certificate is a \(vek.kind.rawValue)")
        }
        return vek
    }

    static func derFromPEMOrDER(_ bytes: [UInt8], label: String, role: String) throws(AttestationError) -> [UInt8] {
        guard let text = String(validating: bytes, as: UTF8.self), text.contains("-----BEGIN") else { return bytes }
        let begin = "-----BEGIN \(label)-----", end = "-----END \(label)-----"
        guard let b = text.range(of: begin), let e = text.range(of: end, range: b.upperBound..<text.endIndex) else {
            throw AttestationError(.malformedEvidence, "\(role): PEM has no \(label) block")
        }
        let body = text[b.upperBound..<e.lowerBound].filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: String(body)) else {
            throw AttestationError(.malformedEvidence, "\(role): PEM body is not base64")
        }
        return [UInt8](data)
    }
}

/// A report whose signature, chain and TCB verified, with the product that decided its layout.
public struct SNPVerifiedReport: Sendable {
    public let report: SNPReport
    public let product: SNPProduct
    public let vek: VEKCertificate

    public var claims: AttestationClaims {
        let r = report
        var v: [String: String] = [
            "report_version": String(r.version),
            "guest_svn": String(r.guestSVN),
            "policy": String(format: "%016llx", r.policy.raw),
            "policy.debug": String(r.policy.debugAllowed),
            "policy.migrate_ma": String(r.policy.migrationAgentAllowed),
            "policy.smt": String(r.policy.smtAllowed),
            "policy.single_socket": String(r.policy.singleSocketOnly),
            "vmpl": String(r.vmpl),
            "host_data": LowercaseHex.encode(r.hostData),
            "family_id": LowercaseHex.encode(r.familyID),
            "image_id": LowercaseHex.encode(r.imageID),
            "id_key_digest": LowercaseHex.encode(r.idKeyDigest),
            "author_key_digest": LowercaseHex.encode(r.authorKeyDigest),
            "report_id": LowercaseHex.encode(r.reportID),
            "report_id_ma": LowercaseHex.encode(r.reportIDMigrationAgent),
            "chip_id": LowercaseHex.encode(r.chipID),
            "platform_info": String(format: "%016llx", r.platformInfo.raw),
            "platform.smt_enabled": String(r.platformInfo.smtEnabled),
            "product": product.rawValue,
            "signing_key": vek.kind == .vcek ? "vcek" : "vlek",
            "firmware_version": r.currentVersion.description,
        ]
        if let csp = vek.cspID { v["vlek.csp_id"] = csp }
        for (prefix, tcb) in [("tcb", r.reportedTCB(product)), ("current_tcb", r.currentTCB(product)), ("committed_tcb", r.committedTCB(product))] {
            for (name, value) in tcb.components { v["\(prefix).\(name)"] = String(value) }
        }
        return AttestationClaims(
            kind: .sevSNP, measurement: LowercaseHex.encode(r.measurement), reportData: r.reportData,
            debug: r.policy.debugAllowed, simulated: false, values: v)
    }
}
