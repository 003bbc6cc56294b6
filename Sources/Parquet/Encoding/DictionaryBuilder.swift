// Dictionary encoding on the write side: an open-addressing hash table maps each distinct value
// to its index. Values are compared by bit pattern, so -0.0 and 0.0 (and distinct NaNs) stay
// distinct and a round trip is bit exact.

import Columnar

/// Fixed-width values that can be dictionary encoded.
public protocol DictionaryKey: BitwiseCopyable, Sendable {
    /// The value's bit pattern, zero extended.
    var dictionaryBits: UInt64 { get }
}

extension Int32: DictionaryKey { public var dictionaryBits: UInt64 { UInt64(UInt32(bitPattern: self)) } }
extension Int64: DictionaryKey { public var dictionaryBits: UInt64 { UInt64(bitPattern: self) } }
extension Float: DictionaryKey { public var dictionaryBits: UInt64 { UInt64(bitPattern) } }
extension Double: DictionaryKey { public var dictionaryBits: UInt64 { bitPattern } }

/// Slot table shared by the builders: `-1` is empty, otherwise an index into the dictionary.
struct DictionarySlots: Sendable {
    var slots: [Int32] = Array(repeating: -1, count: 64)
    var mask = 63

    @inline(__always)
    static func mix(_ x: UInt64) -> Int {
        var h = x &* 0x9E37_79B9_7F4A_7C15
        h ^= h &>> 32
        return Int(truncatingIfNeeded: h)
    }

    /// True when the table is half full.
    func needsGrowth(count: Int) -> Bool { count &* 2 > mask }

    /// Doubles the table; `hashOf` gives the stored hash of entry i.
    mutating func grow(count: Int, hashOf: (Int) -> Int) {
        let capacity = (mask &+ 1) &* 2
        var fresh = [Int32](repeating: -1, count: capacity)
        let m = capacity &- 1
        for i in 0..<count {
            var s = hashOf(i) & m
            while fresh[s] >= 0 { s = (s &+ 1) & m }
            fresh[s] = Int32(truncatingIfNeeded: i)
        }
        slots = fresh
        mask = m
    }
}

/// Builds the dictionary and the index stream for INT32, INT64, FLOAT or DOUBLE columns.
public struct DictionaryBuilder<Value: DictionaryKey>: Sendable {
    /// Largest PLAIN-encoded dictionary (bytes) before the writer should fall back to PLAIN.
    public let byteLimit: Int
    /// Distinct values in first-seen order: the dictionary page's entries.
    public private(set) var dictionary: [Value] = []
    /// One index per appended value, since the last `takeIndices()`.
    public private(set) var indices: [Int32] = []
    private var keys: [UInt64] = []
    private var table = DictionarySlots()

    public init(byteLimit: Int) { self.byteLimit = byteLimit }

    /// Size of the dictionary page's PLAIN encoding.
    public var dictionaryByteSize: Int { dictionary.count * MemoryLayout<Value>.size }

    /// Bit width of the RLE-encoded indices (the byte that precedes them in a data page).
    public var indexBitWidth: Int { bitsRequired(UInt64(max(dictionary.count, 1) - 1)) }

    /// Encodes values in order and returns how many were taken. It stops early, before the first
    /// new value that would push the dictionary past `byteLimit`; the writer then falls back to PLAIN.
    public mutating func append(_ values: UnsafeBufferPointer<Value>) -> Int {
        indices.reserveCapacity(indices.count + values.count)
        let entrySize = MemoryLayout<Value>.size
        for (n, v) in values.enumerated() {
            let bits = v.dictionaryBits
            var s = DictionarySlots.mix(bits) & table.mask
            while true {
                let slot = table.slots[s]
                if slot < 0 {
                    if dictionaryByteSize &+ entrySize > byteLimit { return n }
                    let index = Int32(truncatingIfNeeded: dictionary.count)
                    table.slots[s] = index
                    dictionary.append(v)
                    keys.append(bits)
                    indices.append(index)
                    if table.needsGrowth(count: dictionary.count) {
                        let keys = self.keys
                        table.grow(count: dictionary.count) { DictionarySlots.mix(keys[$0]) }
                    }
                    break
                }
                if keys[Int(slot)] == bits {
                    indices.append(slot)
                    break
                }
                s = (s &+ 1) & table.mask
            }
        }
        return values.count
    }

    public mutating func append(_ values: [Value]) -> Int {
        values.withUnsafeBufferPointer { append($0) }
    }

    /// Returns the indices gathered so far (one data page) and starts a new batch.
    public mutating func takeIndices() -> [Int32] {
        let taken = indices
        indices = []
        return taken
    }
}

/// Builds the dictionary and the index stream for BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY columns.
public struct ByteArrayDictionaryBuilder: Sendable {
    public let byteLimit: Int
    /// Distinct values in first-seen order.
    public private(set) var dictionary = ByteArrays()
    public private(set) var indices: [Int32] = []
    /// Size of the dictionary page's PLAIN encoding: with 4-byte lengths for BYTE_ARRAY,
    /// without them for FIXED_LEN_BYTE_ARRAY.
    public private(set) var dictionaryByteSize = 0
    private var hashes: [Int] = []
    private var table = DictionarySlots()

    public init(byteLimit: Int) { self.byteLimit = byteLimit }

    public var indexBitWidth: Int { bitsRequired(UInt64(max(dictionary.count, 1) - 1)) }

    /// Encodes BYTE_ARRAY values `range` of `values`; returns how many were taken (see `DictionaryBuilder.append`).
    public mutating func append(_ values: ByteArrays, range: Range<Int>) -> Int {
        values.data.withUnsafeBytes { data in
            values.offsets.withUnsafeBufferPointer { offsets in
                for n in range {
                    let from = Int(offsets[n])
                    let value = UnsafeRawBufferPointer(rebasing: data[from..<Int(offsets[n &+ 1])])
                    if !insert(value, plainSize: 4 &+ value.count) { return n &- range.lowerBound }
                }
                return range.count
            }
        }
    }

    /// Encodes `count` FIXED_LEN_BYTE_ARRAY values of `width` bytes from `data` starting at value `first`.
    public mutating func appendFixed(_ data: [UInt8], width: Int, first: Int, count: Int) -> Int {
        precondition(width > 0 && first >= 0 && (first + count) * width <= data.count, "fixed values out of range")
        return data.withUnsafeBytes { bytes in
            for n in 0..<count {
                let from = (first &+ n) &* width
                let value = UnsafeRawBufferPointer(rebasing: bytes[from..<(from &+ width)])
                if !insert(value, plainSize: width) { return n }
            }
            return count
        }
    }

    public mutating func takeIndices() -> [Int32] {
        let taken = indices
        indices = []
        return taken
    }

    private mutating func insert(_ value: UnsafeRawBufferPointer, plainSize: Int) -> Bool {
        let hash = Self.hash(value)
        var s = hash & table.mask
        while true {
            let slot = table.slots[s]
            if slot < 0 {
                if dictionaryByteSize &+ plainSize > byteLimit { return false }
                if dictionary.data.count &+ value.count > Int(Int32.max) { return false }
                let index = Int32(truncatingIfNeeded: dictionary.count)
                table.slots[s] = index
                dictionary.append(value)
                dictionaryByteSize &+= plainSize
                hashes.append(hash)
                indices.append(index)
                if table.needsGrowth(count: dictionary.count) {
                    let hashes = self.hashes
                    table.grow(count: dictionary.count) { hashes[$0] }
                }
                return true
            }
            let k = Int(slot)
            if hashes[k] == hash && equals(entry: k, value) {
                indices.append(slot)
                return true
            }
            s = (s &+ 1) & table.mask
        }
    }

    private func equals(entry k: Int, _ value: UnsafeRawBufferPointer) -> Bool {
        let from = Int(dictionary.offsets[k])
        let length = Int(dictionary.offsets[k &+ 1]) &- from
        guard length == value.count else { return false }
        if length == 0 { return true }
        return dictionary.data.withUnsafeBytes { d in
            memcmpEqual(d.baseAddress! + from, value.baseAddress!, length)
        }
    }

    /// A fast non-cryptographic hash of bytes (8 bytes per step).
    static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(bytes.count)
        guard let p = bytes.baseAddress else { return DictionarySlots.mix(h) }
        var i = 0
        let n = bytes.count
        while i &+ 8 <= n {
            h = (h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9FB2_1C65_1E98_DF25
            h ^= h &>> 29
            i &+= 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) &<< shift
            shift &+= 8
            i &+= 1
        }
        h = (h ^ tail) &* 0x9FB2_1C65_1E98_DF25
        return DictionarySlots.mix(h ^ (h &>> 32))
    }
}

@inline(__always)
private func memcmpEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    var i = 0
    while i &+ 8 <= n {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
        i &+= 8
    }
    while i < n {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i &+= 1
    }
    return true
}
