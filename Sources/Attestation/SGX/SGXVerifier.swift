import Foundation
import Support

/// Verifies Intel SGX DCAP quotes (v3, and v4/v5 with an SGX body) against caller-supplied
/// PCS collateral. Claims: measurement = MRENCLAVE; values carry MRSIGNER, product id, SVN,
/// attributes and the TCB outcome.
public struct SGXVerifier: EvidenceVerifier {
    public var kind: TEEKind { .sgx }
    public var dcap: DCAPQuoteVerifier

    public init(trustedRootDER: [UInt8] = IntelRoots.sgxRootCA) throws(AttestationError) {
        dcap = try DCAPQuoteVerifier(trustedRootDER: trustedRootDER)
    }

    public func verify(_ evidence: Evidence, now: Date) throws(AttestationError) -> AttestationClaims {
        let (enclave, verified) = try dcap.verify(
            evidence, as: .sgx, now: now, wrongBody: "quote body is a TD report, not an SGX enclave report") { $0.enclaveReport }
        return Self.claims(enclave: enclave, verified: verified)
    }

    static func claims(enclave: EnclaveReport, verified: VerifiedDCAPQuote) -> AttestationClaims {
        var values: [String: String] = [
            "mrenclave": LowercaseHex.encode(enclave.mrEnclave),
            "mrsigner": LowercaseHex.encode(enclave.mrSigner),
            "isv_prod_id": String(enclave.isvProdID),
            "isv_svn": String(enclave.isvSVN),
            "attributes": LowercaseHex.encode(enclave.attributes),
            "misc_select": LowercaseHex.encode(withUnsafeBytes(of: enclave.miscSelect.littleEndian, Array.init)),
            "cpu_svn": LowercaseHex.encode(enclave.cpuSVN),
            "config_id": LowercaseHex.encode(enclave.configID),
            "config_svn": String(enclave.configSVN),
            "quote_version": String(verified.quote.header.version),
        ]
        values.merge(DCAPClaimValues.platform(verified)) { a, _ in a }
        return AttestationClaims(
            kind: .sgx, measurement: LowercaseHex.encode(enclave.mrEnclave), reportData: enclave.reportData, debug: enclave.debug,
            simulated: false, tcbStatus: verified.tcb.status.rawValue, advisoryIDs: verified.tcb.advisoryIDs, values: values)
    }
}
