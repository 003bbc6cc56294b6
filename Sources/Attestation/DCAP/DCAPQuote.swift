/// A DCAP ECDSA-P256 quote: SGX v3/v4, TDX v4 (TD 1.0) and v5 (TD 1.0 or 1.5 body).
/// Parsing only; `DCAPQuoteVerifier` checks signatures, certificates and TCB.
public struct DCAPQuote: Sendable, Equatable {
    public var header: QuoteHeader
    public var body: QuoteBody
    /// Raw r ‖ s over `signedBytes` by `attestationKey`.
    public var signature: [UInt8]
    /// Raw x ‖ y of the P-256 attestation key the QE certified.
    public var attestationKey: [UInt8]
    public var qeCertification: QECertificationData
    /// Header and body as the attestation key signed them (v5 includes the body descriptor).
    public var signedBytes: [UInt8]

    public init(bytes: [UInt8]) throws(AttestationError) {
        var reader = EvidenceReader(bytes, context: "DCAP quote")
        header = try QuoteHeader(reading: &reader)
        guard header.attestationKeyType == QuoteHeader.attestationKeyECDSAP256 else {
            throw AttestationError(.malformedEvidence, "DCAP quote: attestation key type \(header.attestationKeyType) at offset 2 is not ECDSA-P256 (2)")
        }
        switch header.version {
        case 3:
            // v3 predates TDX: the tee_type field is reserved and the body is an SGX report.
            body = .sgxEnclave(try EnclaveReport(reading: &reader))
        case 4:
            switch header.teeType {
            case QuoteHeader.teeTypeSGX: body = .sgxEnclave(try EnclaveReport(reading: &reader))
            case QuoteHeader.teeTypeTDX: body = .td10(try TDReport(reading: &reader, td15: false))
            default:
                throw AttestationError(.malformedEvidence, "DCAP quote: tee_type 0x\(String(header.teeType, radix: 16)) at offset 4 is neither SGX nor TDX")
            }
        case 5:
            let bodyType = try reader.u16("body.type")
            let bodySize = try reader.u32("body.size")
            let bodyOffset = reader.offset
            let expected: Int
            switch bodyType {
            case QuoteBody.typeSGX:
                expected = EnclaveReport.size
                body = .sgxEnclave(try EnclaveReport(reading: &reader))
            case QuoteBody.typeTD10:
                expected = TDReport.size10
                body = .td10(try TDReport(reading: &reader, td15: false))
            case QuoteBody.typeTD15:
                expected = TDReport.size15
                body = .td15(try TDReport(reading: &reader, td15: true))
            default:
                throw AttestationError(.malformedEvidence, "DCAP quote: v5 body type \(bodyType) at offset 48 is unknown")
            }
            guard Int(bodySize) == expected else {
                throw AttestationError(.malformedEvidence, "DCAP quote: v5 body size \(bodySize) at offset 50 differs from \(expected) for body type \(bodyType) at offset \(bodyOffset)")
            }
            if case .sgxEnclave = body, header.teeType != QuoteHeader.teeTypeSGX {
                throw AttestationError(.malformedEvidence, "DCAP quote: v5 SGX body with TDX tee_type")
            }
            if case .sgxEnclave = body {} else if header.teeType != QuoteHeader.teeTypeTDX {
                throw AttestationError(.malformedEvidence, "DCAP quote: v5 TD body with non-TDX tee_type")
            }
        default:
            throw AttestationError(.malformedEvidence, "DCAP quote: version \(header.version) at offset 0 is not 3, 4 or 5")
        }
        signedBytes = Array(bytes[0..<reader.offset])

        let signatureDataLength = try reader.u32("signature_data.size")
        // Bytes after the declared signature data are padding (some hosts return fixed-size buffers).
        let signatureData = try reader.sized(signatureDataLength, "signature_data")
        var sig = EvidenceReader(signatureData, context: "DCAP quote signature data (at offset \(reader.offset - signatureData.count))")
        signature = try sig.read(64, "quote_signature")
        attestationKey = try sig.read(64, "attestation_key")
        if header.version == 3 {
            qeCertification = try QECertificationData(reading: &sig)
        } else {
            let type = try sig.u16("certification_data.type")
            guard type == QECertificationData.typeQEReportCertificationData else {
                throw AttestationError(.malformedEvidence, "DCAP quote signature data: certification data type \(type) at offset \(sig.offset - 2) is not QE report certification data (6)")
            }
            let size = try sig.u32("certification_data.size")
            let inner = try sig.sized(size, "qe_report_certification_data")
            var qe = EvidenceReader(inner, context: "QE report certification data")
            qeCertification = try QECertificationData(reading: &qe)
        }
    }

    public var isTDX: Bool { body.tdReport != nil }
}
