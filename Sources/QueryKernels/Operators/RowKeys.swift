import Columnar

/// The key columns of a batch encoded row by row into one flat buffer, so keys of any types
/// hash and compare as bytes. Row i is `bytes[offsets[i]..<offsets[i+1]]`: per column a validity
/// byte then the value (8 bytes for ints and doubles (order key, so -0 = +0 and one NaN),
/// 16 for decimals, 1 for booleans, 4-byte length + bytes for strings); NULLs encode as zeros.
struct RowKeys {
    var bytes: [UInt8]
    var offsets: [Int]
    var hashes: [UInt64]
    /// Rows with a NULL in any key column (joins never match them).
    var hasNull: [Bool]

    init(_ keys: [Vector], rows n: Int) {
        var offsets = [Int](repeating: 0, count: n + 1)
        var fixed = 0
        for k in keys {
            switch k.values {
            case .bool: fixed += 2
            case .int, .double: fixed += 9
            case .wide: fixed += 17
            case .bytes: fixed += 5
            }
        }
        var total = 0
        for i in 0..<n {
            offsets[i] = total
            total &+= fixed
            for k in keys {
                if case .bytes(let b) = k.values, k.isValid(i) { total &+= Int(b.offsets[i + 1] &- b.offsets[i]) }
            }
        }
        offsets[n] = total
        var bytes = [UInt8](repeating: 0, count: total)
        var hasNull = [Bool](repeating: false, count: n)
        var cursor = offsets  // write position per row
        bytes.withUnsafeMutableBufferPointer { out in
            let base = UnsafeMutableRawPointer(out.baseAddress!)
            for k in keys {
                let validity = k.validity
                for i in 0..<n where !(validity?[i] ?? true) { hasNull[i] = true }
                switch k.values {
                case .bool(let v):
                    for i in 0..<n {
                        let valid = validity?[i] ?? true
                        out[cursor[i]] = valid ? 1 : 0
                        out[cursor[i] + 1] = valid && v[i] ? 1 : 0
                        cursor[i] &+= 2
                    }
                case .int(let v):
                    v.withUnsafeBufferPointer { v in
                        for i in 0..<n {
                            let valid = validity?[i] ?? true
                            out[cursor[i]] = valid ? 1 : 0
                            (base + cursor[i] + 1).storeBytes(of: valid ? v[i] : 0, as: Int64.self)
                            cursor[i] &+= 9
                        }
                    }
                case .double(let v):
                    for i in 0..<n {
                        let valid = validity?[i] ?? true
                        out[cursor[i]] = valid ? 1 : 0
                        (base + cursor[i] + 1).storeBytes(of: valid ? doubleKey(v[i]) : 0, as: Int64.self)
                        cursor[i] &+= 9
                    }
                case .wide(let v):
                    for i in 0..<n {
                        let valid = validity?[i] ?? true
                        out[cursor[i]] = valid ? 1 : 0
                        (base + cursor[i] + 1).storeBytes(of: valid ? v[i] : 0, as: Int128.self)
                        cursor[i] &+= 17
                    }
                case .bytes(let b):
                    b.data.withUnsafeBufferPointer { data in
                        for i in 0..<n {
                            let valid = validity?[i] ?? true
                            out[cursor[i]] = valid ? 1 : 0
                            let s = Int(b.offsets[i]), len = valid ? Int(b.offsets[i + 1]) - s : 0
                            (base + cursor[i] + 1).storeBytes(of: UInt32(len), as: UInt32.self)
                            if len > 0 { (out.baseAddress! + cursor[i] + 5).update(from: data.baseAddress! + s, count: len) }
                            cursor[i] &+= 5 &+ len
                        }
                    }
                }
            }
        }
        var hashes = [UInt64](repeating: 0, count: n)
        bytes.withUnsafeBufferPointer { b in
            for i in 0..<n { hashes[i] = hashBytes(b.baseAddress! + offsets[i], offsets[i + 1] - offsets[i]) }
        }
        self.bytes = bytes
        self.offsets = offsets
        self.hashes = hashes
        self.hasNull = hasNull
    }
}

@inline(__always) func hashBytes(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
    var i = 0
    let raw = UnsafeRawPointer(p)
    while i &+ 8 <= n {
        let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
        h ^= h &>> 29
        i &+= 8
    }
    if i < n {
        var w: UInt64 = 0
        while i < n { w = w &<< 8 | UInt64(p[i]); i &+= 1 }
        h = (h ^ w) &* 0xC4CE_B9FE_1A85_EC53
    }
    h ^= h &>> 33
    h = h &* 0xFF51_AFD7_ED55_8CCD
    h ^= h &>> 33
    return h
}

/// Distinct byte keys → dense ids 0, 1, 2 … in insertion order (open addressing, linear probing).
struct ByteKeyTable: Sendable {
    private(set) var slots: [Int32] = [Int32](repeating: -1, count: 64)
    private(set) var hashes: [UInt64] = []
    private(set) var keyOffsets: [Int] = [0]
    private(set) var arena: [UInt8] = []

    var count: Int { hashes.count }
    var byteSize: Int { slots.count * 4 + hashes.count * 16 + arena.count }

    func key(_ id: Int) -> ArraySlice<UInt8> { arena[keyOffsets[id]..<keyOffsets[id + 1]] }

    /// The id of the key (inserting it if new).
    mutating func findOrInsert(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (id: Int32, inserted: Bool) {
        if (hashes.count + 1) * 2 > slots.count { grow() }
        if let id = find(key, hash: hash) { return (id, false) }
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: hash) & mask
        while slots[s] >= 0 { s = (s &+ 1) & mask }
        let id = Int32(hashes.count)
        slots[s] = id
        hashes.append(hash)
        arena.append(contentsOf: key)
        keyOffsets.append(arena.count)
        return (id, true)
    }

    func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32? {
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            arena.withUnsafeBufferPointer { arena in
                while true {
                    let id = slots[s]
                    if id < 0 { return nil }
                    let g = Int(id)
                    if hashes[g] == hash {
                        let start = keyOffsets[g], len = keyOffsets[g + 1] - start
                        if len == key.count && (len == 0 || memcmpBytes(arena.baseAddress! + start, key.baseAddress!, len) == 0) {
                            return id
                        }
                    }
                    s = (s &+ 1) & mask
                }
            }
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        var newSlots = [Int32](repeating: -1, count: size)
        let mask = size - 1
        for (g, h) in hashes.enumerated() {
            var s = Int(truncatingIfNeeded: h) & mask
            while newSlots[s] >= 0 { s = (s &+ 1) & mask }
            newSlots[s] = Int32(g)
        }
        slots = newSlots
    }
}
