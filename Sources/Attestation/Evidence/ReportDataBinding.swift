import Crypto

/// The binding between evidence and one attestation exchange:
/// report data = SHA-512(nonce ‖ runtime public key ‖ job hash), 64 bytes — exactly the
/// size of SEV-SNP REPORT_DATA, TDX/SGX REPORTDATA and the simulated report's field.
public enum ReportDataBinding {
    /// `jobHash` is the 32-byte SHA-256 of the job (SQL text or command); 32 zero bytes when none.
    public static func reportData(nonce: [UInt8], runtimePublicKey: [UInt8], jobHash: [UInt8]) -> [UInt8] {
        var hasher = SHA512()
        hasher.update(data: nonce)
        hasher.update(data: runtimePublicKey)
        hasher.update(data: jobHash)
        return Array(hasher.finalize())
    }

    public static let noJobHash = [UInt8](repeating: 0, count: 32)
}
