/// Bounds-checked little-endian reads from untrusted bytes: a short read names the field and
/// offset instead of trapping.
struct ByteReader {
    let bytes: [UInt8]
    let what: String

    init(_ bytes: [UInt8], what: String) {
        self.bytes = bytes
        self.what = what
    }

    func slice(_ field: String, at offset: Int, count: Int) throws(AttestationError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= bytes.count, bytes.count - offset >= count else {
            throw AttestationError(
                .malformedEvidence,
                "\(what): field \(field) at offset \(offset) needs \(count) bytes, only \(max(0, bytes.count - offset)) present")
        }
        return Array(bytes[offset..<offset + count])
    }

    func uint16(_ field: String, at offset: Int) throws(AttestationError) -> UInt16 {
        let b = try slice(field, at: offset, count: 2)
        return UInt16(b[0]) | UInt16(b[1]) << 8
    }

    func uint32(_ field: String, at offset: Int) throws(AttestationError) -> UInt32 {
        let b = try slice(field, at: offset, count: 4)
        return b.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    func uint64(_ field: String, at offset: Int) throws(AttestationError) -> UInt64 {
        let b = try slice(field, at: offset, count: 8)
        return b.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}

extension Array where Element == UInt8 {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        var v = value.littleEndian
        Swift.withUnsafeBytes(of: &v) { append(contentsOf: $0) }
    }
}
