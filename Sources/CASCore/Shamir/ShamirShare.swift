/// One recovery share of the CAS master key: the values at x = `index` of one random polynomial
/// per secret byte. Text form `srs1-K-I-<hex>` (K threshold, I index, both decimal).
public struct ShamirShare: Sendable, Hashable, CustomStringConvertible {
    public let threshold: Int
    public let index: UInt8
    public let values: [UInt8]

    public init(threshold: Int, index: UInt8, values: [UInt8]) throws(CASError) {
        guard (2...255).contains(threshold) else {
            throw CASError(.invalidShare, "share threshold must be 2…255, got \(threshold)")
        }
        guard index != 0 else { throw CASError(.invalidShare, "share index must be 1…255, got 0") }
        guard !values.isEmpty else { throw CASError(.invalidShare, "share has no bytes") }
        self.threshold = threshold
        self.index = index
        self.values = values
    }

    public static let prefix = "srs1"

    public var text: String { "\(Self.prefix)-\(threshold)-\(index)-\(Hex.encode(values))" }

    /// Redacted: a share is a piece of the master key.
    public var description: String { "ShamirShare(\(threshold) needed, index \(index), redacted)" }

    public init(text: String) throws(CASError) {
        let parts = text.trimmingWhitespace().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Self.prefix else {
            throw CASError(.invalidShare, "share must look like \(Self.prefix)-K-I-<hex>")
        }
        guard parts[1].count <= 3, let k = Int(parts[1]) else {
            throw CASError(.invalidShare, "share threshold is not a number")
        }
        guard parts[2].count <= 3, let i = Int(parts[2]), (1...255).contains(i) else {
            throw CASError(.invalidShare, "share index must be a number 1…255")
        }
        guard let bytes = Hex.decode(String(parts[3])) else {
            throw CASError(.invalidShare, "share value is not hex")
        }
        try self.init(threshold: k, index: UInt8(i), values: bytes)
    }
}

extension String {
    func trimmingWhitespace() -> Substring {
        var s = self[...]
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return s
    }
}
