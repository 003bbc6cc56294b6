// DELTA_BYTE_ARRAY (Encodings.md "DELTA_BYTE_ARRAY = 7"): front coding. Prefix lengths as a
// DELTA_BINARY_PACKED run, then the suffixes as DELTA_LENGTH_BYTE_ARRAY; each value is the
// first `prefix` bytes of the previous value followed by its suffix.

import Columnar

public enum DeltaByteArray {
    /// Appends `count` BYTE_ARRAY values to `out`; returns the bytes consumed.
    @discardableResult
    public static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout ByteArrays) throws(ParquetError) -> Int {
        var prefixes: [Int32] = []
        var suffixLengths: [Int32] = []
        var prefixDecoder = try DeltaBinaryPackedDecoder(bytes)
        let suffixStart = try prefixDecoder.decodeAll(into: &prefixes)
        let rest = UnsafeRawBufferPointer(rebasing: bytes[suffixStart...])
        var suffixDecoder = try DeltaBinaryPackedDecoder(rest)
        guard suffixDecoder.totalCount == prefixes.count else {
            throw ParquetError(.malformed, "DELTA_BYTE_ARRAY: \(prefixes.count) prefix lengths but \(suffixDecoder.totalCount) suffix lengths at offset \(suffixStart)")
        }
        guard count >= 0, count <= prefixes.count else {
            throw ParquetError(.malformed, "DELTA_BYTE_ARRAY: \(count) values requested, the page holds \(prefixes.count)")
        }
        let dataStart = try suffixDecoder.decodeAll(into: &suffixLengths)
        let body = UnsafeRawBufferPointer(rebasing: rest[dataStart...])

        // Validate everything and size the output before copying a byte.
        var suffixBytes = 0
        var outputBytes = 0
        var previousLength = 0
        for i in 0..<prefixes.count {
            let prefix = Int(prefixes[i])
            let suffix = Int(suffixLengths[i])
            guard prefix >= 0, suffix >= 0 else {
                throw ParquetError(.malformed, "DELTA_BYTE_ARRAY: value \(i) has a negative prefix or suffix length")
            }
            guard prefix <= previousLength else {
                throw ParquetError(.malformed, "DELTA_BYTE_ARRAY: value \(i) reuses a \(prefix)-byte prefix of a \(previousLength)-byte value")
            }
            previousLength = prefix &+ suffix
            suffixBytes &+= suffix
            if i < count { outputBytes &+= previousLength }
            guard suffixBytes <= body.count else {
                throw ParquetError(.truncated, "DELTA_BYTE_ARRAY: suffixes need \(suffixBytes) bytes, \(body.count) follow the lengths")
            }
            guard outputBytes <= Int(Int32.max) - out.data.count else {
                throw ParquetError(.unsupported, "DELTA_BYTE_ARRAY: column data exceeds 2 GiB")
            }
        }

        let base = out.data.count
        out.data.append(contentsOf: repeatElement(0, count: outputBytes))
        out.offsets.reserveCapacity(out.offsets.count + count)
        var previousStart = base
        var at = base
        var suffixAt = 0
        out.data.withUnsafeMutableBytes { data in
            guard let dst = data.baseAddress else { return }
            for i in 0..<count {
                let prefix = Int(prefixes[i])
                let suffix = Int(suffixLengths[i])
                // The previous value ends where this one starts: the regions never overlap.
                if prefix > 0 { (dst + at).copyMemory(from: dst + previousStart, byteCount: prefix) }
                if suffix > 0 { (dst + (at &+ prefix)).copyMemory(from: body.baseAddress! + suffixAt, byteCount: suffix) }
                previousStart = at
                at &+= prefix &+ suffix
                suffixAt &+= suffix
            }
        }
        at = base
        for i in 0..<count {
            at &+= Int(prefixes[i]) &+ Int(suffixLengths[i])
            out.offsets.append(Int32(truncatingIfNeeded: at))
        }
        return suffixStart &+ dataStart &+ suffixBytes
    }

    /// FIXED_LEN_BYTE_ARRAY variant: every decoded value must be `width` bytes; appended end to end.
    @discardableResult
    public static func decodeFixed(_ bytes: UnsafeRawBufferPointer, width: Int, count: Int, into out: inout [UInt8]) throws(ParquetError) -> Int {
        var values = ByteArrays()
        let used = try decode(bytes, count: count, into: &values)
        for i in 0..<values.count where values.offsets[i + 1] - values.offsets[i] != Int32(truncatingIfNeeded: width) {
            throw ParquetError(.malformed, "DELTA_BYTE_ARRAY: value \(i) is not \(width) bytes long")
        }
        out.append(contentsOf: values.data)
        return used
    }

    /// Encodes BYTE_ARRAY values `range` of `values`.
    public static func encode(_ values: ByteArrays, range: Range<Int>, into out: inout [UInt8]) {
        var prefixes: [Int32] = []
        var suffixLengths: [Int32] = []
        var suffixes: [UInt8] = []
        prefixes.reserveCapacity(range.count)
        suffixLengths.reserveCapacity(range.count)
        values.data.withUnsafeBufferPointer { data in
            var previousStart = 0
            var previousLength = 0
            for i in range {
                let start = Int(values.offsets[i])
                let length = Int(values.offsets[i + 1]) - start
                var prefix = 0
                let limit = min(previousLength, length)
                while prefix < limit && data[previousStart + prefix] == data[start + prefix] { prefix += 1 }
                prefixes.append(Int32(prefix))
                suffixLengths.append(Int32(length - prefix))
                suffixes.append(contentsOf: data[(start + prefix)..<(start + length)])
                previousStart = start
                previousLength = length
            }
        }
        DeltaBinaryPackedEncoder.encode(prefixes, into: &out)
        DeltaBinaryPackedEncoder.encode(suffixLengths, into: &out)
        out.append(contentsOf: suffixes)
    }

    public static func encode(_ values: ByteArrays, into out: inout [UInt8]) {
        encode(values, range: 0..<values.count, into: &out)
    }

    /// FIXED_LEN_BYTE_ARRAY values of `width` bytes stored end to end in `data`.
    public static func encodeFixed(_ data: [UInt8], width: Int, into out: inout [UInt8]) {
        precondition(width > 0 && data.count % width == 0, "fixed data must hold whole values")
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(data.count / width + 1)
        for end in stride(from: width, through: data.count, by: width) { offsets.append(Int32(end)) }
        encode(ByteArrays(offsets: offsets, data: data), into: &out)
    }
}
