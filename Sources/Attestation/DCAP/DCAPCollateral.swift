import Foundation
import Support

/// The Intel PCS collateral a DCAP quote is verified against, supplied by the caller (CAS may
/// have no network). Read from `Evidence.collateral` or from dcap-qvl's collateral JSON.
///
/// `Evidence.collateral` keys (bytes):
/// - `tcb_info`: the PCS response `{"tcbInfo": {…}, "signature": "<hex>"}`, or the bare tcbInfo
///   JSON with its signature in `tcb_info_signature` (hex text or 64 raw bytes)
/// - `qe_identity`: `{"enclaveIdentity": {…}, "signature": …}`, or bare + `qe_identity_signature`
/// - `tcb_info_issuer_chain`, `qe_identity_issuer_chain`, `pck_crl_issuer_chain`: PEM
/// - `root_ca_crl`, `pck_crl`: DER, PEM or hex of DER
/// - `pck_certificate_chain` (optional): PEM, for quotes that do not embed the PCK chain
public struct DCAPCollateral: Sendable, Equatable {
    public var tcbInfo: SignedCollateralJSON
    public var tcbInfoIssuerChain: [UInt8]
    public var qeIdentity: SignedCollateralJSON
    public var qeIdentityIssuerChain: [UInt8]
    public var rootCACRL: [UInt8]
    public var pckCRL: [UInt8]
    public var pckCRLIssuerChain: [UInt8]?
    public var pckCertificateChain: [UInt8]?

    public init(
        tcbInfo: SignedCollateralJSON, tcbInfoIssuerChain: [UInt8], qeIdentity: SignedCollateralJSON,
        qeIdentityIssuerChain: [UInt8], rootCACRL: [UInt8], pckCRL: [UInt8], pckCRLIssuerChain: [UInt8]? = nil,
        pckCertificateChain: [UInt8]? = nil
    ) {
        self.tcbInfo = tcbInfo
        self.tcbInfoIssuerChain = tcbInfoIssuerChain
        self.qeIdentity = qeIdentity
        self.qeIdentityIssuerChain = qeIdentityIssuerChain
        self.rootCACRL = rootCACRL
        self.pckCRL = pckCRL
        self.pckCRLIssuerChain = pckCRLIssuerChain
        self.pckCertificateChain = pckCertificateChain
    }

    static let tcbInfoMembers = ["tcbInfo"]
    static let qeIdentityMembers = ["enclaveIdentity", "qeIdentity"]

    public init(evidenceCollateral c: [String: [UInt8]]) throws(AttestationError) {
        func required(_ key: String) throws(AttestationError) -> [UInt8] {
            guard let value = c[key], !value.isEmpty else {
                throw AttestationError(.collateral, "collateral \"\(key)\" is missing")
            }
            return value
        }
        func signed(_ key: String, members: [String]) throws(AttestationError) -> SignedCollateralJSON {
            let body = try required(key)
            if let signature = c["\(key)_signature"] {
                return SignedCollateralJSON(body: body, signature: try SignedCollateralJSON.signature(signature, name: key))
            }
            return try SignedCollateralJSON(pcsResponse: body, member: members, name: key)
        }
        tcbInfo = try signed("tcb_info", members: Self.tcbInfoMembers)
        qeIdentity = try signed("qe_identity", members: Self.qeIdentityMembers)
        tcbInfoIssuerChain = try required("tcb_info_issuer_chain")
        qeIdentityIssuerChain = try required("qe_identity_issuer_chain")
        rootCACRL = try required("root_ca_crl")
        pckCRL = try required("pck_crl")
        pckCRLIssuerChain = c["pck_crl_issuer_chain"]
        pckCertificateChain = c["pck_certificate_chain"]
    }

    /// dcap-qvl's `QuoteCollateralV3` JSON: strings for JSON and PEM, hex for CRLs and signatures.
    public init(dcapQVLJSON bytes: [UInt8]) throws(AttestationError) {
        struct Wire: Decodable {
            var pck_crl_issuer_chain: String?
            var root_ca_crl: String
            var pck_crl: String
            var tcb_info_issuer_chain: String
            var tcb_info: String
            var tcb_info_signature: String
            var qe_identity_issuer_chain: String
            var qe_identity: String
            var qe_identity_signature: String
            var pck_certificate_chain: String?
        }
        let wire: Wire
        do { wire = try JSONDecoder().decode(Wire.self, from: Data(bytes)) } catch {
            throw AttestationError(.collateral, "dcap-qvl collateral JSON does not decode: \(PCSDate.describe(error))")
        }
        var c: [String: [UInt8]] = [
            "root_ca_crl": Array(wire.root_ca_crl.utf8),
            "pck_crl": Array(wire.pck_crl.utf8),
            "tcb_info_issuer_chain": Array(wire.tcb_info_issuer_chain.utf8),
            "tcb_info": Array(wire.tcb_info.utf8),
            "tcb_info_signature": Array(wire.tcb_info_signature.utf8),
            "qe_identity_issuer_chain": Array(wire.qe_identity_issuer_chain.utf8),
            "qe_identity": Array(wire.qe_identity.utf8),
            "qe_identity_signature": Array(wire.qe_identity_signature.utf8),
        ]
        c["pck_crl_issuer_chain"] = wire.pck_crl_issuer_chain.map { Array($0.utf8) }
        c["pck_certificate_chain"] = wire.pck_certificate_chain.map { Array($0.utf8) }
        try self.init(evidenceCollateral: c)
    }

    /// The `Evidence.collateral` form (bare JSON documents with hex signatures).
    public var evidenceCollateral: [String: [UInt8]] {
        var c: [String: [UInt8]] = [
            "tcb_info": tcbInfo.body,
            "tcb_info_signature": Array(LowercaseHex.encode(tcbInfo.signature).utf8),
            "tcb_info_issuer_chain": tcbInfoIssuerChain,
            "qe_identity": qeIdentity.body,
            "qe_identity_signature": Array(LowercaseHex.encode(qeIdentity.signature).utf8),
            "qe_identity_issuer_chain": qeIdentityIssuerChain,
            "root_ca_crl": rootCACRL,
            "pck_crl": pckCRL,
        ]
        c["pck_crl_issuer_chain"] = pckCRLIssuerChain
        c["pck_certificate_chain"] = pckCertificateChain
        return c
    }
}
