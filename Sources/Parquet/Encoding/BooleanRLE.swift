// RLE-encoded BOOLEAN values (data pages v2, and v1 when a writer chooses RLE): a 4-byte
// little-endian length, then the RLE / bit-packing hybrid with bit width 1.

public enum BooleanRLE {
    /// Appends `count` booleans; returns the bytes consumed including the length prefix.
    @discardableResult
    public static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout [Bool]) throws(ParquetError) -> Int {
        guard count >= 0 else { throw ParquetError(.invalidArgument, "RLE BOOLEAN: negative value count") }
        var (decoder, used) = try RLEBitPackedDecoder.lengthPrefixed(bytes, bitWidth: 1)
        // Decode in slices through a small buffer so memory follows the data actually present.
        var scratch = [Int32](repeating: 0, count: min(count, 4096))
        var left = count
        out.reserveCapacity(out.count + min(count, 8 * bytes.count + 4096))
        while left > 0 {
            let n = min(left, scratch.count)
            var failure: ParquetError?
            scratch.withUnsafeMutableBufferPointer { buffer in
                do throws(ParquetError) { try decoder.decode(into: UnsafeMutableBufferPointer(rebasing: buffer[0..<n])) } catch { failure = error }
            }
            if let failure { throw failure }
            for i in 0..<n { out.append(scratch[i] != 0) }
            left -= n
        }
        return used
    }

    /// Encodes with the 4-byte length prefix.
    public static func encode(_ values: [Bool], into out: inout [UInt8]) {
        var encoder = RLEBitPackedEncoder(bitWidth: 1)
        for v in values { encoder.append(v ? 1 : 0) }
        let body = encoder.finish()
        ByteSink.appendUInt32LE(UInt32(body.count), to: &out)
        out.append(contentsOf: body)
    }
}
