/// Distinct keys of one or two integer-like columns (int, date, timestamp, bool) → dense ids
/// 0, 1, 2 … in insertion order: the GROUP BY fast path that skips `RowKeys`' byte encoding.
/// A key is (first, second, nulls): `nulls` bit k says key column k is NULL (its value is then 0),
/// so NULL is its own group exactly as in `ByteKeyTable`. With one key column `second` is 0.
struct IntKeyTable: Sendable {
    private(set) var slots: [Int32] = [Int32](repeating: -1, count: 64)
    private(set) var first: [Int64] = []
    private(set) var second: [Int64] = []
    private(set) var nulls: [UInt8] = []

    var count: Int { first.count }
    var byteSize: Int { slots.count * 4 + first.count * 17 }

    @inline(__always) static func hash(_ a: Int64, _ b: Int64, _ n: UInt8) -> UInt64 {
        // Murmur3's finaliser over a cheap combination: small adjacent ints must spread over slots.
        var h = UInt64(bitPattern: a) &* 0x9E37_79B9_7F4A_7C15
        h ^= (UInt64(bitPattern: b) &+ UInt64(n) &<< 61) &* 0xC2B2_AE3D_27D4_EB4F
        h ^= h &>> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h &>> 33
        return h
    }

    /// The id of the key, or -1 when it is not in the table.
    @inline(__always) func find(_ a: Int64, _ b: Int64, _ n: UInt8) -> Int32 {
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: Self.hash(a, b, n)) & mask
        while true {
            let id = slots[s]
            if id < 0 { return -1 }
            let g = Int(id)
            if first[g] == a && second[g] == b && nulls[g] == n { return id }
            s = (s &+ 1) & mask
        }
    }

    /// The id of the key (inserting it if new).
    mutating func findOrInsert(_ a: Int64, _ b: Int64, _ n: UInt8) -> (id: Int32, inserted: Bool) {
        if (first.count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: Self.hash(a, b, n)) & mask
        while true {
            let id = slots[s]
            if id < 0 { break }
            let g = Int(id)
            if first[g] == a && second[g] == b && nulls[g] == n { return (id, false) }
            s = (s &+ 1) & mask
        }
        let id = Int32(first.count)
        slots[s] = id
        first.append(a)
        second.append(b)
        nulls.append(n)
        return (id, true)
    }

    /// Group ids of rows `0..<out.count`: key `(a[i], b?[i])`, NULL where `validA`/`validB` is false.
    /// Lookups of existing keys run in one pointer loop; only a new key leaves it to insert.
    /// Key columns may be int64 or int32 storage (read sign-extended).
    mutating func groupIds<A: FixedWidthInteger, B: FixedWidthInteger>(
        _ a: UnsafeBufferPointer<A>, _ validA: UnsafeBufferPointer<Bool>?,
        _ b: UnsafeBufferPointer<B>?, _ validB: UnsafeBufferPointer<Bool>?,
                           into out: UnsafeMutableBufferPointer<Int32>) {
        let n = out.count
        if validA == nil, validB == nil, denseGroupIds(a, b, into: out) { return }
        @inline(__always) func key(_ i: Int) -> (Int64, Int64, UInt8) {
            var nb: UInt8 = 0
            var x = Int64(truncatingIfNeeded: a[i]), y: Int64 = 0
            if let validA, !validA[i] { nb |= 1; x = 0 }
            if let b {
                y = Int64(truncatingIfNeeded: b[i])
                if let validB, !validB[i] { nb |= 2; y = 0 }
            }
            return (x, y, nb)
        }
        var i = 0
        while i < n {
            // Probe existing keys until the first miss.
            let miss: Int = slots.withUnsafeBufferPointer { slots in
                first.withUnsafeBufferPointer { f in
                    second.withUnsafeBufferPointer { sc in
                        nulls.withUnsafeBufferPointer { nl in
                            let mask = slots.count &- 1
                            var j = i
                            // A row with the previous row's key (runs in sorted or clustered
                            // data, e.g. hours of time-ordered trips) reuses its id unhashed.
                            var lastX: Int64 = 0, lastY: Int64 = 0, lastNulls: UInt8 = .max, lastId: Int32 = 0
                            rows: while j < n {
                                let (x, y, nb) = key(j)
                                if x == lastX && y == lastY && nb == lastNulls { out[j] = lastId; j &+= 1; continue }
                                var s = Int(truncatingIfNeeded: Self.hash(x, y, nb)) & mask
                                while true {
                                    let id = slots[s]
                                    if id < 0 { break rows }
                                    let g = Int(id)
                                    if f[g] == x && sc[g] == y && nl[g] == nb {
                                        out[j] = id
                                        lastX = x; lastY = y; lastNulls = nb; lastId = id
                                        break
                                    }
                                    s = (s &+ 1) & mask
                                }
                                j &+= 1
                            }
                            return j
                        }
                    }
                }
            }
            if miss >= n { break }
            let (x, y, nb) = key(miss)
            out[miss] = findOrInsert(x, y, nb).id
            i = miss &+ 1
        }
    }

    /// Keys without NULLs spanning at most `denseLimit` combinations (payment types, zone ids):
    /// a per-batch array indexed by `(a - minA) * widthB + (b - minB)` remembers each key's id, so
    /// only a key's first row in the batch probes the hash table. False when the span is larger.
    private mutating func denseGroupIds<A: FixedWidthInteger, B: FixedWidthInteger>(
        _ a: UnsafeBufferPointer<A>, _ b: UnsafeBufferPointer<B>?,
                                        into out: UnsafeMutableBufferPointer<Int32>) -> Bool {
        let n = out.count
        guard n >= 64 else { return false }
        let denseLimit = 1 << 17
        func span<T: FixedWidthInteger>(_ v: UnsafeBufferPointer<T>) -> (min: Int64, width: Int)? {
            var lo = v[0], hi = v[0]
            for i in 0..<n { lo = Swift.min(lo, v[i]); hi = Swift.max(hi, v[i]) }
            let (d, o) = Int64(truncatingIfNeeded: hi).subtractingReportingOverflow(Int64(truncatingIfNeeded: lo))
            guard !o, d < Int64(denseLimit) else { return nil }
            return (Int64(truncatingIfNeeded: lo), Int(d) &+ 1)
        }
        guard let sa = span(a) else { return false }
        var sb: (min: Int64, width: Int) = (0, 1)
        if let b {
            guard let s = span(b) else { return false }
            sb = s
        }
        let (size, o) = sa.width.multipliedReportingOverflow(by: sb.width)
        guard !o, size <= denseLimit else { return false }
        var dense = [Int32](repeating: -1, count: size)
        dense.withUnsafeMutableBufferPointer { dense in
            if let b {
                for i in 0..<n {
                    let x = Int64(truncatingIfNeeded: a[i]), y = Int64(truncatingIfNeeded: b[i])
                    let slot = Int(x &- sa.min) &* sb.width &+ Int(y &- sb.min)
                    var id = dense[slot]
                    if id < 0 { id = findOrInsert(x, y, 0).id; dense[slot] = id }
                    out[i] = id
                }
            } else {
                for i in 0..<n {
                    let x = Int64(truncatingIfNeeded: a[i])
                    let slot = Int(x &- sa.min)
                    var id = dense[slot]
                    if id < 0 { id = findOrInsert(x, 0, 0).id; dense[slot] = id }
                    out[i] = id
                }
            }
        }
        return true
    }

    private mutating func grow() {
        let size = slots.count * 2
        var newSlots = [Int32](repeating: -1, count: size)
        let mask = size - 1
        for g in first.indices {
            var s = Int(truncatingIfNeeded: Self.hash(first[g], second[g], nulls[g])) & mask
            while newSlots[s] >= 0 { s = (s &+ 1) & mask }
            newSlots[s] = Int32(g)
        }
        slots = newSlots
    }
}
