import Support

/// The one byte reader (Support's) for every evidence parser: a short read is `.malformedEvidence`
/// naming the structure, the field and the offset.
typealias EvidenceReader = ByteReader<AttestationError>

extension AttestationErrorCode: TruncationErrorCode {
    public static var truncatedInput: Self { .malformedEvidence }
}
