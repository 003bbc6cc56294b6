/// What a quote attests: an SGX enclave or a TD (1.0 or 1.5 layout).
public enum QuoteBody: Sendable, Equatable {
    case sgxEnclave(EnclaveReport)
    case td10(TDReport)
    case td15(TDReport)

    /// v5 body types (Quote format v5, "Quote Body Descriptor").
    static let typeSGX: UInt16 = 1
    static let typeTD10: UInt16 = 2
    static let typeTD15: UInt16 = 3

    public var reportData: [UInt8] {
        switch self {
        case .sgxEnclave(let r): r.reportData
        case .td10(let r), .td15(let r): r.reportData
        }
    }

    public var tdReport: TDReport? {
        switch self {
        case .sgxEnclave: nil
        case .td10(let r), .td15(let r): r
        }
    }

    public var enclaveReport: EnclaveReport? {
        if case .sgxEnclave(let r) = self { return r }
        return nil
    }
}
