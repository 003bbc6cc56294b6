// Unpacking of LSB-first bit-packed integers (RLE hybrid runs, DELTA_BINARY_PACKED miniblocks).
// A switch on the width calls an always-inlined body with a constant width, so each case is
// compiled into straight-line shifts and masks.

enum BitUnpacking {
    /// Bytes of slack past the last group that the fast paths may read (they load 8 bytes at a time).
    static let slack = 8

    /// Unpacks `groups` groups of 8 values of `width` (0...32) bits. The source must have
    /// `groups * width + slack` readable bytes.
    static func unpack32(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Int32>, groups: Int, width: Int) {
        switch width {
        case 0: dst.update(repeating: 0, count: groups &* 8)
        case 1: groups32(src, dst, groups, 1)
        case 2: groups32(src, dst, groups, 2)
        case 3: groups32(src, dst, groups, 3)
        case 4: groups32(src, dst, groups, 4)
        case 5: groups32(src, dst, groups, 5)
        case 6: groups32(src, dst, groups, 6)
        case 7: groups32(src, dst, groups, 7)
        case 8: groups32(src, dst, groups, 8)
        case 9: groups32(src, dst, groups, 9)
        case 10: groups32(src, dst, groups, 10)
        case 11: groups32(src, dst, groups, 11)
        case 12: groups32(src, dst, groups, 12)
        case 13: groups32(src, dst, groups, 13)
        case 14: groups32(src, dst, groups, 14)
        case 15: groups32(src, dst, groups, 15)
        case 16: groups32(src, dst, groups, 16)
        case 17: groups32(src, dst, groups, 17)
        case 18: groups32(src, dst, groups, 18)
        case 19: groups32(src, dst, groups, 19)
        case 20: groups32(src, dst, groups, 20)
        case 21: groups32(src, dst, groups, 21)
        case 22: groups32(src, dst, groups, 22)
        case 23: groups32(src, dst, groups, 23)
        case 24: groups32(src, dst, groups, 24)
        case 25: groups32(src, dst, groups, 25)
        case 26: groups32(src, dst, groups, 26)
        case 27: groups32(src, dst, groups, 27)
        case 28: groups32(src, dst, groups, 28)
        case 29: groups32(src, dst, groups, 29)
        case 30: groups32(src, dst, groups, 30)
        case 31: groups32(src, dst, groups, 31)
        default: groups32(src, dst, groups, 32)
        }
    }

    @inline(__always)
    private static func groups32(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Int32>, _ groups: Int, _ w: Int) {
        let mask: UInt64 = (1 &<< UInt64(w)) &- 1
        var s = src
        var d = dst
        for _ in 0..<groups {
            for i in 0..<8 {
                let bit = i &* w
                let word = s.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self)
                d[i] = Int32(truncatingIfNeeded: (word &>> UInt64(bit & 7)) & mask)
            }
            s += w
            d += 8
        }
    }

    /// Unpacks 32 values of `width` (0...64) bits, which occupy exactly `4 * width` bytes.
    /// The source must have `4 * width + slack` readable bytes.
    static func unpack32Values64(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<UInt64>, width: Int) {
        switch width {
        case 0: dst.update(repeating: 0, count: 32)
        case 1: values64(src, dst, 1)
        case 2: values64(src, dst, 2)
        case 3: values64(src, dst, 3)
        case 4: values64(src, dst, 4)
        case 5: values64(src, dst, 5)
        case 6: values64(src, dst, 6)
        case 7: values64(src, dst, 7)
        case 8: values64(src, dst, 8)
        case 9: values64(src, dst, 9)
        case 10: values64(src, dst, 10)
        case 11: values64(src, dst, 11)
        case 12: values64(src, dst, 12)
        case 13: values64(src, dst, 13)
        case 14: values64(src, dst, 14)
        case 15: values64(src, dst, 15)
        case 16: values64(src, dst, 16)
        case 17: values64(src, dst, 17)
        case 18: values64(src, dst, 18)
        case 19: values64(src, dst, 19)
        case 20: values64(src, dst, 20)
        case 21: values64(src, dst, 21)
        case 22: values64(src, dst, 22)
        case 23: values64(src, dst, 23)
        case 24: values64(src, dst, 24)
        case 25: values64(src, dst, 25)
        case 26: values64(src, dst, 26)
        case 27: values64(src, dst, 27)
        case 28: values64(src, dst, 28)
        case 29: values64(src, dst, 29)
        case 30: values64(src, dst, 30)
        case 31: values64(src, dst, 31)
        case 32: values64(src, dst, 32)
        default: wideValues64(src, dst, width)
        }
    }

    @inline(__always)
    private static func values64(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<UInt64>, _ w: Int) {
        let mask: UInt64 = (1 &<< UInt64(w)) &- 1
        for i in 0..<32 {
            let bit = i &* w
            let word = src.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self)
            dst[i] = (word &>> UInt64(bit & 7)) & mask
        }
    }

    /// Widths 33...64: a value can straddle nine bytes, so a second load supplies the high bits.
    private static func wideValues64(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<UInt64>, _ w: Int) {
        let mask: UInt64 = w == 64 ? ~0 : (1 &<< UInt64(w)) &- 1
        for i in 0..<32 {
            let bit = i &* w
            let byte = bit &>> 3
            let shift = UInt64(bit & 7)
            var v = src.loadUnaligned(fromByteOffset: byte, as: UInt64.self) &>> shift
            if shift != 0 {
                let high = UInt64(src.load(fromByteOffset: byte &+ 8, as: UInt8.self))
                v |= high &<< (64 &- shift)
            }
            dst[i] = v & mask
        }
    }

    /// One value at `index` of a packed run, reading only inside `bytes`; missing bytes read as 0.
    /// Used for run heads and tails, never in the bulk path.
    static func value(at index: Int, width: Int, in bytes: UnsafeRawBufferPointer) -> UInt64 {
        if width == 0 { return 0 }
        let bit = index &* width
        var result: UInt64 = 0
        var produced = 0
        var byte = bit &>> 3
        var offset = bit & 7
        while produced < width {
            let b: UInt64 = byte < bytes.count ? UInt64(bytes[byte]) : 0
            let take = min(8 &- offset, width &- produced)
            let piece = (b &>> UInt64(offset)) & ((1 &<< UInt64(take)) &- 1)
            result |= piece &<< UInt64(produced)
            produced &+= take
            byte &+= 1
            offset = 0
        }
        return result
    }
}

/// LSB-first bit packing for encoders.
struct BitPacker {
    private var accumulator: UInt64 = 0
    private var bits: Int = 0

    init() {}

    /// Appends the low `width` (0...64) bits of `value`.
    @inline(__always)
    mutating func append(_ value: UInt64, width: Int, to out: inout [UInt8]) {
        if width == 0 { return }
        let v = width == 64 ? value : value & ((1 &<< UInt64(width)) &- 1)
        accumulator |= v &<< UInt64(bits)
        let free = 64 &- bits
        if width >= free {
            appendWord(accumulator, to: &out)
            accumulator = free == 64 ? 0 : (width == free ? 0 : v &>> UInt64(free))
            bits = width &- free
        } else {
            bits &+= width
        }
    }

    @inline(__always)
    private func appendWord(_ word: UInt64, to out: inout [UInt8]) {
        withUnsafeBytes(of: word.littleEndian) { out.append(contentsOf: $0) }
    }

    /// Writes the remaining bits, zero-padded to a whole byte.
    mutating func flush(to out: inout [UInt8]) {
        var a = accumulator
        var n = (bits &+ 7) &>> 3
        while n > 0 {
            out.append(UInt8(truncatingIfNeeded: a))
            a &>>= 8
            n &-= 1
        }
        accumulator = 0
        bits = 0
    }
}
