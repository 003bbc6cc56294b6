/// The iteration order of a `java.util.HashMap<String, ?>` holding `keys` (inserted in that order),
/// which is the member order Jackson writes for parquet-java's key material. Reproducing it makes
/// our JSON byte-identical to parquet-java's.
///
/// HashMap puts a key in bucket `spread(hashCode) & (tableSize - 1)`, iterates buckets in index
/// order and, within a bucket, in insertion order (resizes keep that order). Treeified buckets
/// (≥ 8 collisions in a table ≥ 64) are not modelled; key material has at most 10 keys.
enum JavaHashMapOrder {
    static func order(_ keys: [String], initialCapacity: Int = 16) -> [String] {
        var table = 1
        while table < max(initialCapacity, 1) { table <<= 1 }
        while keys.count * 4 > table * 3 { table <<= 1 }   // resize when size > 0.75 · table
        let indexed = keys.enumerated().map { (i, key) in (bucket: Int(spread(hashCode(key)) & UInt32(table - 1)), insertion: i, key: key) }
        return indexed.sorted { ($0.bucket, $0.insertion) < ($1.bucket, $1.insertion) }.map(\.key)
    }

    /// java.lang.String.hashCode: s[0]·31^(n−1) + … over UTF-16 code units, wrapping at 32 bits.
    static func hashCode(_ s: String) -> UInt32 {
        var h: UInt32 = 0
        for unit in s.utf16 { h = h &* 31 &+ UInt32(unit) }
        return h
    }

    private static func spread(_ h: UInt32) -> UInt32 { h ^ (h >> 16) }
}
