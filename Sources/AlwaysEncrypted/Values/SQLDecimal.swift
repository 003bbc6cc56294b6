/// An exact SQL Server `decimal`/`numeric` value: `unscaled × 10^-scale`, up to 38 digits.
public struct SQLDecimal: Sendable, Hashable, CustomStringConvertible {
    public static let maximumPrecision = 38
    /// 10^38 − 1 < 2^127, so every decimal(38, s) fits in an Int128.
    public let unscaled: Int128
    public let scale: Int

    public init(unscaled: Int128, scale: Int) throws(AlwaysEncryptedError) {
        guard (0...Self.maximumPrecision).contains(scale) else {
            throw AlwaysEncryptedError(.valueOutOfRange, "decimal scale must be 0...38, got \(scale)")
        }
        guard unscaled.magnitude < Self.powerOfTen(Self.maximumPrecision) else {
            throw AlwaysEncryptedError(.valueOutOfRange, "decimal has more than 38 digits")
        }
        self.unscaled = unscaled
        self.scale = scale
    }

    /// Parses `-123.4500` style text (no exponent); the scale is the number of fraction digits.
    public init(_ text: String) throws(AlwaysEncryptedError) {
        var digits = Substring(text)
        var negative = false
        if let first = digits.first, first == "-" || first == "+" {
            negative = first == "-"
            digits = digits.dropFirst()
        }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !(parts[0].isEmpty && (parts.count == 1 || parts[1].isEmpty)),
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else {
            throw AlwaysEncryptedError(.typeMismatch, "text is not a decimal number")
        }
        let fraction = parts.count == 2 ? parts[1] : ""
        var magnitude: UInt128 = 0
        for ch in parts[0] + fraction {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt128(ch.asciiValue! - 48))
            guard !o1, !o2, sum < Self.powerOfTen(Self.maximumPrecision) else {
                throw AlwaysEncryptedError(.valueOutOfRange, "decimal has more than 38 digits")
            }
            magnitude = sum
        }
        try self.init(unscaled: negative ? -Int128(magnitude) : Int128(magnitude), scale: fraction.count)
    }

    /// Number of significant digits of the unscaled value (at least 1).
    public var digitCount: Int {
        var count = 1
        while count < 39, unscaled.magnitude >= Self.powerOfTen(count) { count += 1 }
        return count
    }

    /// The same number at `newScale`; throws if digits would be lost or 38 digits exceeded.
    public func rescaled(to newScale: Int) throws(AlwaysEncryptedError) -> SQLDecimal {
        guard (0...Self.maximumPrecision).contains(newScale) else {
            throw AlwaysEncryptedError(.valueOutOfRange, "decimal scale must be 0...38, got \(newScale)")
        }
        if newScale >= scale {
            let factor = Self.powerOfTen(newScale - scale)
            let (product, overflow) = unscaled.magnitude.multipliedReportingOverflow(by: factor)
            guard !overflow, product < Self.powerOfTen(Self.maximumPrecision) else {
                throw AlwaysEncryptedError(.valueOutOfRange, "decimal does not fit 38 digits at scale \(newScale)")
            }
            return try SQLDecimal(unscaled: unscaled < 0 ? -Int128(product) : Int128(product), scale: newScale)
        }
        let factor = Int128(Self.powerOfTen(scale - newScale))
        guard unscaled % factor == 0 else {
            throw AlwaysEncryptedError(.valueOutOfRange, "decimal has more fraction digits than scale \(newScale) keeps")
        }
        return try SQLDecimal(unscaled: unscaled / factor, scale: newScale)
    }

    public var description: String {
        let digits = String(unscaled.magnitude)
        let sign = unscaled < 0 ? "-" : ""
        guard scale > 0 else { return sign + digits }
        let padded = String(repeating: "0", count: max(0, scale + 1 - digits.count)) + digits
        return sign + padded.dropLast(scale) + "." + padded.suffix(scale)
    }

    static func powerOfTen(_ exponent: Int) -> UInt128 {
        var value: UInt128 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}
