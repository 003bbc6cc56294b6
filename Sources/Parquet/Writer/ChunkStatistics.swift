import Columnar

/// Min/max/null count of one column chunk under the column's TYPE_ORDER (parquet.thrift
/// ColumnOrder): signed or unsigned integers, floats without NaN and with the -0/+0 rule,
/// unsigned bytewise byte arrays, signed big-endian decimals. Updated once per slice of values.
struct ChunkStatistics {
    let order: StatisticsOrder
    let physical: PhysicalType
    var nullCount: Int64 = 0
    var nanCount: Int64 = 0
    private var hasValue = false
    private var intMin: Int64 = 0, intMax: Int64 = 0
    private var uintMin: UInt64 = 0, uintMax: UInt64 = 0
    private var realMin: Double = 0, realMax: Double = 0
    private var halfMin: UInt16 = 0, halfMax: UInt16 = 0
    private var boolMin = false, boolMax = false
    private var bytesMin: [UInt8] = [], bytesMax: [UInt8] = []

    init(order: StatisticsOrder, physical: PhysicalType) {
        self.order = order
        self.physical = physical
    }

    mutating func update(_ values: UnsafeBufferPointer<Bool>) {
        guard !values.isEmpty else { return }
        var sawTrue = false, sawFalse = false
        for v in values { if v { sawTrue = true } else { sawFalse = true } }
        let lo = !sawFalse, hi = sawTrue
        if hasValue { boolMin = boolMin && lo; boolMax = boolMax || hi } else { boolMin = lo; boolMax = hi }
        hasValue = true
    }

    mutating func update(_ values: UnsafeBufferPointer<Int32>) {
        guard !values.isEmpty else { return }
        if order == .unsigned {
            var lo = UInt32.max, hi = UInt32.min
            for v in values {
                let u = UInt32(bitPattern: v)
                lo = Swift.min(lo, u); hi = Swift.max(hi, u)
            }
            mergeUnsigned(UInt64(lo), UInt64(hi))
        } else {
            var lo = Int32.max, hi = Int32.min
            for v in values { lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
            mergeSigned(Int64(lo), Int64(hi))
        }
    }

    mutating func update(_ values: UnsafeBufferPointer<Int64>) {
        guard !values.isEmpty else { return }
        if order == .unsigned {
            var lo = UInt64.max, hi = UInt64.min
            for v in values {
                let u = UInt64(bitPattern: v)
                lo = Swift.min(lo, u); hi = Swift.max(hi, u)
            }
            mergeUnsigned(lo, hi)
        } else {
            var lo = Int64.max, hi = Int64.min
            for v in values { lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
            mergeSigned(lo, hi)
        }
    }

    mutating func update(_ values: UnsafeBufferPointer<Float>) { updateReal(values) }

    mutating func update(_ values: UnsafeBufferPointer<Double>) { updateReal(values) }

    /// FLOAT/DOUBLE: NaNs are counted and left out of the bounds.
    private mutating func updateReal<T: BinaryFloatingPoint>(_ values: UnsafeBufferPointer<T>) {
        var lo = T.infinity, hi = -T.infinity, nans = 0, seen = false
        for v in values {
            if v.isNaN { nans &+= 1; continue }
            seen = true
            if v < lo { lo = v }
            if v > hi { hi = v }
        }
        nanCount += Int64(nans)
        if seen { mergeReal(Double(lo), Double(hi)) }
    }

    /// FIXED_LEN_BYTE_ARRAY values of `width` bytes, back to back.
    mutating func update(fixed data: UnsafeRawBufferPointer, width: Int) {
        guard width > 0, data.count >= width, let base = data.baseAddress else { return }
        let count = data.count / width
        if order == .float16 {
            updateHalf(base, count: count)
            return
        }
        var lo = 0, hi = 0
        let signed = order == .decimalBigEndian
        for i in 1..<count {
            let p = base + i &* width
            if Self.less(p, width, base + lo &* width, width, signedFirstByte: signed) { lo = i }
            if Self.less(base + hi &* width, width, p, width, signedFirstByte: signed) { hi = i }
        }
        mergeBytes(UnsafeRawBufferPointer(start: base + lo * width, count: width),
                   UnsafeRawBufferPointer(start: base + hi * width, count: width), signed: signed)
    }

    /// BYTE_ARRAY values `range` of `values`.
    mutating func update(_ values: ByteArrays, range: Range<Int>) {
        guard !range.isEmpty else { return }
        values.data.withUnsafeBytes { data in
            values.offsets.withUnsafeBufferPointer { offsets in
                // A zero-length base is fine: every compared length is then 0.
                let base = data.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                var lo = range.lowerBound, hi = range.lowerBound
                for i in range.dropFirst() {
                    let p = base + Int(offsets[i]), n = Int(offsets[i &+ 1]) &- Int(offsets[i])
                    if Self.less(p, n, base + Int(offsets[lo]), Int(offsets[lo &+ 1]) &- Int(offsets[lo]), signedFirstByte: false) { lo = i }
                    if Self.less(base + Int(offsets[hi]), Int(offsets[hi &+ 1]) &- Int(offsets[hi]), p, n, signedFirstByte: false) { hi = i }
                }
                mergeBytes(UnsafeRawBufferPointer(start: base + Int(offsets[lo]), count: Int(offsets[lo + 1]) - Int(offsets[lo])),
                           UnsafeRawBufferPointer(start: base + Int(offsets[hi]), count: Int(offsets[hi + 1]) - Int(offsets[hi])),
                           signed: false)
            }
        }
    }

    /// The thrift Statistics; min/max left out when larger than `maxValueBytes`.
    func statistics(maxValueBytes: Int) -> Statistics {
        var s = Statistics()
        s.nullCount = nullCount
        if order == .floating || order == .float16 { s.nanCount = nanCount }
        guard hasValue else { return s }
        let (lo, hi) = encodedExtremes()
        guard lo.count <= maxValueBytes, hi.count <= maxValueBytes else { return s }
        s.minValue = lo
        s.maxValue = hi
        s.isMinValueExact = true
        s.isMaxValueExact = true
        return s
    }

    // MARK: - Merging

    private mutating func mergeSigned(_ lo: Int64, _ hi: Int64) {
        if hasValue { intMin = Swift.min(intMin, lo); intMax = Swift.max(intMax, hi) } else { intMin = lo; intMax = hi }
        hasValue = true
    }

    private mutating func mergeUnsigned(_ lo: UInt64, _ hi: UInt64) {
        if hasValue { uintMin = Swift.min(uintMin, lo); uintMax = Swift.max(uintMax, hi) } else { uintMin = lo; uintMax = hi }
        hasValue = true
    }

    private mutating func mergeReal(_ lo: Double, _ hi: Double) {
        if hasValue { realMin = Swift.min(realMin, lo); realMax = Swift.max(realMax, hi) } else { realMin = lo; realMax = hi }
        hasValue = true
    }

    private mutating func mergeBytes(_ lo: UnsafeRawBufferPointer, _ hi: UnsafeRawBufferPointer, signed: Bool) {
        if !hasValue {
            bytesMin = Array(lo); bytesMax = Array(hi)
            hasValue = true
            return
        }
        let (newMin, newMax) = bytesMin.withUnsafeBytes { m in
            bytesMax.withUnsafeBytes { x in
                (Self.less(lo, m, signed: signed), Self.less(x, hi, signed: signed))
            }
        }
        if newMin { bytesMin = Array(lo) }
        if newMax { bytesMax = Array(hi) }
    }

    private mutating func updateHalf(_ base: UnsafeRawPointer, count: Int) {
        var lo = Float.infinity, hi = -Float.infinity, loBits: UInt16 = 0, hiBits: UInt16 = 0
        var nans = 0, seen = false
        for i in 0..<count {
            let bits = UInt16(base.load(fromByteOffset: i &* 2, as: UInt8.self))
                | UInt16(base.load(fromByteOffset: i &* 2 &+ 1, as: UInt8.self)) &<< 8
            let v = Self.halfToFloat(bits)
            if v.isNaN { nans &+= 1; continue }
            if !seen || v < lo { lo = v; loBits = bits }
            if !seen || v > hi { hi = v; hiBits = bits }
            seen = true
        }
        nanCount += Int64(nans)
        guard seen else { return }
        if !hasValue || lo < Self.halfToFloat(halfMin) { halfMin = loBits }
        if !hasValue || hi > Self.halfToFloat(halfMax) { halfMax = hiBits }
        hasValue = true
    }

    private func encodedExtremes() -> ([UInt8], [UInt8]) {
        switch order {
        case .boolean:
            return ([boolMin ? 1 : 0], [boolMax ? 1 : 0])
        case .signed:
            if physical == .int32 { return (Self.le(Int32(truncatingIfNeeded: intMin)), Self.le(Int32(truncatingIfNeeded: intMax))) }
            return (Self.le(intMin), Self.le(intMax))
        case .unsigned:
            if physical == .int32 { return (Self.le(UInt32(truncatingIfNeeded: uintMin)), Self.le(UInt32(truncatingIfNeeded: uintMax))) }
            return (Self.le(uintMin), Self.le(uintMax))
        case .floating:
            // The spec's zero rule: a zero minimum is written as -0.0, a zero maximum as +0.0.
            let lo = realMin == 0 ? -0.0 : realMin
            let hi = realMax == 0 ? 0.0 : realMax
            if physical == .float { return (Self.le(Float(lo).bitPattern), Self.le(Float(hi).bitPattern)) }
            return (Self.le(lo.bitPattern), Self.le(hi.bitPattern))
        case .float16:
            let lo: UInt16 = halfMin & 0x7FFF == 0 ? 0x8000 : halfMin
            let hi: UInt16 = halfMax & 0x7FFF == 0 ? 0x0000 : halfMax
            return (Self.le(lo), Self.le(hi))
        case .bytesUnsigned, .decimalBigEndian:
            return (bytesMin, bytesMax)
        }
    }

    // MARK: - Helpers

    private static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
        withUnsafeBytes(of: v.littleEndian) { Array($0) }
    }

    /// Unsigned lexicographic order; with `signedFirstByte` (equal-width big-endian two's
    /// complement) the first byte compares as signed.
    @inline(__always)
    static func less(_ a: UnsafeRawPointer, _ an: Int, _ b: UnsafeRawPointer, _ bn: Int, signedFirstByte: Bool) -> Bool {
        let n = Swift.min(an, bn)
        var i = 0
        if signedFirstByte && n > 0 {
            let x = Int8(bitPattern: a.load(as: UInt8.self)), y = Int8(bitPattern: b.load(as: UInt8.self))
            if x != y { return x < y }
            i = 1
        }
        while i < n {
            let x = a.load(fromByteOffset: i, as: UInt8.self), y = b.load(fromByteOffset: i, as: UInt8.self)
            if x != y { return x < y }
            i &+= 1
        }
        return an < bn
    }

    private static func less(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, signed: Bool) -> Bool {
        let empty = UnsafeRawPointer(bitPattern: 1)!
        return less(a.baseAddress ?? empty, a.count, b.baseAddress ?? empty, b.count, signedFirstByte: signed)
    }

    /// IEEE half → single (exact).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13) }
        if exponent == 0 {
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -magnitude : magnitude
        }
        return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | mantissa << 13)
    }
}
