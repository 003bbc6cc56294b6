/// Arithmetic in GF(2^8) with the AES reduction polynomial x^8 + x^4 + x^3 + x + 1 (0x11B).
///
/// Multiplication is branch-free and table-free ("Russian peasant" with masks) so the time
/// taken does not depend on secret share bytes (a log/exp table would leak through the cache).
public enum GF256 {
    public static func add(_ a: UInt8, _ b: UInt8) -> UInt8 { a ^ b }

    public static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var a = a, b = b, product: UInt8 = 0
        for _ in 0..<8 {
            product ^= a & (0 &- (b & 1))
            let carry = 0 &- (a >> 7)
            a = (a << 1) ^ (0x1b & carry)
            b >>= 1
        }
        return product
    }

    /// a^254 = a^-1 for a ≠ 0 (the multiplicative group has order 255); 0 maps to 0.
    public static func inverse(_ a: UInt8) -> UInt8 {
        var result: UInt8 = 1, base = a, exponent = 254
        while exponent > 0 {
            if exponent & 1 == 1 { result = multiply(result, base) }  // exponent is public
            base = multiply(base, base)
            exponent >>= 1
        }
        return result
    }

    /// a / b; b must not be 0 (callers check share indices, which are public).
    public static func divide(_ a: UInt8, _ b: UInt8) -> UInt8 { multiply(a, inverse(b)) }
}
