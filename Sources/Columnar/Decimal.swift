/// Decimal text from an unscaled two's-complement integer of any width (big-endian bytes).
public enum DecimalText {
    public static func format(unscaled: Int64, scale: Int) -> String {
        let negative = unscaled < 0
        return place(digits: String(unscaled.magnitude), negative: negative, scale: scale)
    }

    /// Big-endian two's complement bytes (Parquet's DECIMAL on binary / fixed).
    public static func format(bigEndian bytes: ArraySlice<UInt8>, scale: Int) -> String {
        if bytes.isEmpty { return place(digits: "0", negative: false, scale: scale) }
        let negative = bytes.first! & 0x80 != 0
        // Magnitude as little-endian UInt32 limbs.
        var limbs: [UInt32] = []
        var value = Array(bytes)
        if negative {
            // Two's complement negate: invert and add one.
            var carry: UInt16 = 1
            for i in stride(from: value.count - 1, through: 0, by: -1) {
                let sum = UInt16(~value[i]) + carry
                value[i] = UInt8(truncatingIfNeeded: sum)
                carry = sum >> 8
            }
        }
        var i = value.count
        while i > 0 {
            var limb: UInt32 = 0
            let start = max(0, i - 4)
            for j in start..<i { limb = limb << 8 | UInt32(value[j]) }
            limbs.append(limb)
            i = start
        }
        var digits: [UInt8] = []
        while limbs.contains(where: { $0 != 0 }) {
            var remainder: UInt64 = 0
            for k in stride(from: limbs.count - 1, through: 0, by: -1) {
                let current = remainder << 32 | UInt64(limbs[k])
                limbs[k] = UInt32(current / 1_000_000_000)
                remainder = current % 1_000_000_000
            }
            for _ in 0..<9 {
                digits.append(UInt8(remainder % 10))
                remainder /= 10
            }
        }
        while digits.count > 1 && digits.last == 0 { digits.removeLast() }
        if digits.isEmpty { digits = [0] }
        let text = String(decoding: digits.reversed().map { $0 + 48 }, as: UTF8.self)
        return place(digits: text, negative: negative && text != "0", scale: scale)
    }

    private static func place(digits: String, negative: Bool, scale: Int) -> String {
        var text = digits
        if scale > 0 {
            if text.count <= scale { text = String(repeating: "0", count: scale - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -scale))
        } else if scale < 0 && text != "0" {
            text += String(repeating: "0", count: -scale)
        }
        return negative ? "-" + text : text
    }
}
