/// The EPYC generation that signed a report: it selects the AMD root (ARK) and the TCB layout.
public enum SNPProduct: String, Sendable, Codable, CaseIterable, Hashable {
    case milan = "Milan"
    case genoa = "Genoa"
    case turin = "Turin"

    /// From the CPUID family/model a v3+ report carries (AMD 56860 Table 23); nil for v2
    /// reports (zero fields) and unknown models. Family 19h models 00h–0Fh are Milan,
    /// 10h–1Fh and A0h–AFh Genoa (incl. Bergamo/Siena); family 1Ah models 00h–1Fh Turin.
    public init?(cpuidFamily family: UInt8, model: UInt8) {
        switch (family, model) {
        case (0x19, 0x00...0x0F): self = .milan
        case (0x19, 0x10...0x1F), (0x19, 0xA0...0xAF): self = .genoa
        case (0x1A, 0x00...0x1F): self = .turin
        default: return nil
        }
    }

    /// From an AMD signing certificate's common name: "ARK-Milan", "SEV-Genoa", "SEV-VLEK-Turin".
    init?(certificateCommonName cn: String) {
        for product in SNPProduct.allCases where cn.hasSuffix("-" + product.rawValue) {
            self = product
            return
        }
        return nil
    }
}
