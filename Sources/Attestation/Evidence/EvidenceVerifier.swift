import Foundation
import Support

/// One verifier per TEE kind behind one protocol (like Trustee's deps/verifier).
/// A verifier checks signatures, certificate chains and TCB; it does not check the
/// report-data binding or reference values — the caller (CAS) and the policy do that.
public protocol EvidenceVerifier: Sendable {
    var kind: TEEKind { get }
    /// `now` is explicit so recorded evidence with expired certificates verifies at a pinned time.
    func verify(_ evidence: Evidence, now: Date) throws(AttestationError) -> AttestationClaims
}

extension EvidenceVerifier {
    /// `verify` plus the binding check CAS does: the evidence's report data must equal
    /// `expectedReportData` (ReportDataBinding.reportData of this exchange), in constant time.
    public func verify(_ evidence: Evidence, now: Date, expectedReportData: [UInt8]) throws(AttestationError) -> AttestationClaims {
        let claims = try verify(evidence, now: now)
        // Constant time over the bytes (this file is compiled alone into the fuzzers, so no
        // StrongroomCrypto import here).
        var difference = UInt8(claims.reportData.count == expectedReportData.count ? 0 : 1)
        for (a, b) in zip(claims.reportData, expectedReportData) { difference |= a ^ b }
        guard difference == 0 else {
            throw AttestationError(.reportDataMismatch, "\(kind.rawValue) report data differs from the expected binding")
        }
        return claims
    }
}

/// Why evidence was refused. `code` is stable for tests and audit; `message` says what and
/// where and never contains key material or data values.
public typealias AttestationError = CodedError<AttestationErrorCode>

public struct AttestationErrorCode: ErrorCode {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let malformedEvidence = Self("malformed_evidence")
    public static let unsupportedKind = Self("unsupported_kind")
    public static let badSignature = Self("bad_signature")
    public static let untrustedSigner = Self("untrusted_signer")
    public static let certificateChain = Self("certificate_chain")
    public static let tcb = Self("tcb")
    public static let reportDataMismatch = Self("report_data_mismatch")
    public static let expired = Self("expired")
}
