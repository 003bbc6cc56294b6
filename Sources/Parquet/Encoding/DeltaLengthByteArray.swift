// DELTA_LENGTH_BYTE_ARRAY (Encodings.md "DELTA_LENGTH_BYTE_ARRAY = 6"): all lengths as one
// DELTA_BINARY_PACKED run, then the values' bytes back to back.

import Columnar

public enum DeltaLengthByteArray {
    /// Appends `count` values (at most the run's count) to `out`; returns the bytes consumed.
    @discardableResult
    public static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout ByteArrays) throws(ParquetError) -> Int {
        var lengths: [Int32] = []
        var lengthDecoder = try DeltaBinaryPackedDecoder(bytes)
        guard count >= 0, count <= lengthDecoder.totalCount else {
            throw ParquetError(.malformed, "DELTA_LENGTH_BYTE_ARRAY: \(count) values requested, the lengths run holds \(lengthDecoder.totalCount)")
        }
        let dataStart = try lengthDecoder.decodeAll(into: &lengths)
        let body = UnsafeRawBufferPointer(rebasing: bytes[dataStart...])
        let used = try appendConcatenated(body, lengths: lengths, count: count, into: &out, "DELTA_LENGTH_BYTE_ARRAY")
        return dataStart &+ used
    }

    /// Appends values whose bytes lie back to back in `body`; returns the bytes used.
    static func appendConcatenated(_ body: UnsafeRawBufferPointer, lengths: [Int32], count: Int,
                                   into out: inout ByteArrays, _ what: StaticString) throws(ParquetError) -> Int {
        var total = 0
        var allBytes = 0
        for (i, length) in lengths.enumerated() {
            guard length >= 0 else { throw ParquetError(.malformed, "\(what): value \(i) has a negative length") }
            allBytes &+= Int(length)   // at most 2^31 values of 2^31 bytes: no overflow in 64 bits
            if i < count { total &+= Int(length) }
        }
        guard allBytes <= body.count else {
            throw ParquetError(.truncated, "\(what): lengths add up to \(allBytes) bytes, \(body.count) follow them")
        }
        let base = out.data.count
        guard base &+ total <= Int(Int32.max) else {
            throw ParquetError(.unsupported, "\(what): column data exceeds 2 GiB")
        }
        out.data.append(contentsOf: UnsafeRawBufferPointer(rebasing: body[0..<total]))
        out.offsets.reserveCapacity(out.offsets.count + count)
        var end = Int32(truncatingIfNeeded: base)
        for i in 0..<count {
            end &+= lengths[i]
            out.offsets.append(end)
        }
        return allBytes
    }

    /// Encodes BYTE_ARRAY values `range` of `values`.
    public static func encode(_ values: ByteArrays, range: Range<Int>, into out: inout [UInt8]) {
        var lengths: [Int32] = []
        lengths.reserveCapacity(range.count)
        for i in range { lengths.append(values.offsets[i + 1] - values.offsets[i]) }
        DeltaBinaryPackedEncoder.encode(lengths, into: &out)
        if !range.isEmpty {
            out.append(contentsOf: values.data[Int(values.offsets[range.lowerBound])..<Int(values.offsets[range.upperBound])])
        }
    }

    public static func encode(_ values: ByteArrays, into out: inout [UInt8]) {
        encode(values, range: 0..<values.count, into: &out)
    }
}
