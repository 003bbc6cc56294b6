// Looking up dictionary-encoded values. Indices come from the page and are untrusted: every batch
// is range-checked before any lookup, so a bad index throws instead of reading out of bounds.

import Columnar

public enum DictionaryGather {
    /// Appends `dictionary[i]` for each index (Int32, Int64, Float, Double, Bool dictionaries).
    public static func gather<T: BitwiseCopyable>(_ dictionary: [T], indices: UnsafeBufferPointer<Int32>,
                                                  into out: inout [T]) throws(ParquetError) {
        guard !indices.isEmpty else { return }
        try checkIndices(indices, dictionaryCount: dictionary.count)
        let start = out.count
        let count = indices.count
        // Fill with a real dictionary value so no uninitialised element is ever visible.
        out.append(contentsOf: repeatElement(dictionary[0], count: count))
        out.withUnsafeMutableBufferPointer { dst in
            dictionary.withUnsafeBufferPointer { dict in
                let d = dst.baseAddress! + start
                let v = dict.baseAddress!
                for i in 0..<count {
                    d[i] = v[Int(truncatingIfNeeded: indices[i])]
                }
            }
        }
    }

    public static func gather<T: BitwiseCopyable>(_ dictionary: [T], indices: [Int32], into out: inout [T]) throws(ParquetError) {
        var failure: ParquetError?
        indices.withUnsafeBufferPointer { idx in
            do throws(ParquetError) { try gather(dictionary, indices: idx, into: &out) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Appends the BYTE_ARRAY dictionary entries named by the indices.
    public static func gather(_ dictionary: ByteArrays, indices: UnsafeBufferPointer<Int32>,
                              into out: inout ByteArrays) throws(ParquetError) {
        guard !indices.isEmpty else { return }
        try checkIndices(indices, dictionaryCount: dictionary.count)
        var total = 0
        dictionary.offsets.withUnsafeBufferPointer { offsets in
            for i in indices {
                let k = Int(truncatingIfNeeded: i)
                total &+= Int(offsets[k &+ 1]) &- Int(offsets[k])
            }
        }
        let dataStart = out.data.count
        guard dataStart + total <= Int(Int32.max) else {
            throw ParquetError(.unsupported, "dictionary lookup: BYTE_ARRAY column data exceeds 2 GiB")
        }
        let offsetStart = out.offsets.count
        var data: [UInt8] = []
        var offsets: [Int32] = []
        swap(&data, &out.data)
        swap(&offsets, &out.offsets)
        defer {
            swap(&data, &out.data)
            swap(&offsets, &out.offsets)
        }
        data.append(contentsOf: repeatElement(0, count: total))
        offsets.append(contentsOf: repeatElement(0, count: indices.count))
        data.withUnsafeMutableBytes { dst in
            offsets.withUnsafeMutableBufferPointer { dstOffsets in
                dictionary.data.withUnsafeBytes { src in
                    dictionary.offsets.withUnsafeBufferPointer { srcOffsets in
                        var at = dataStart
                        for (n, i) in indices.enumerated() {
                            let k = Int(truncatingIfNeeded: i)
                            let from = Int(srcOffsets[k])
                            let length = Int(srcOffsets[k &+ 1]) &- from
                            if length > 0 {
                                (dst.baseAddress! + at).copyMemory(from: src.baseAddress! + from, byteCount: length)
                            }
                            at &+= length
                            dstOffsets[offsetStart &+ n] = Int32(truncatingIfNeeded: at)
                        }
                    }
                }
            }
        }
    }

    /// Appends FIXED_LEN_BYTE_ARRAY dictionary entries (`dictionary` holds `width`-byte values end to end).
    public static func gatherFixed(_ dictionary: [UInt8], width: Int, indices: UnsafeBufferPointer<Int32>,
                                   into out: inout [UInt8]) throws(ParquetError) {
        guard width > 0 else {
            throw ParquetError(.invalidArgument, "dictionary lookup: FIXED_LEN_BYTE_ARRAY width must be positive")
        }
        guard !indices.isEmpty else { return }
        try checkIndices(indices, dictionaryCount: dictionary.count / width)
        let start = out.count
        let (total, overflow) = indices.count.multipliedReportingOverflow(by: width)
        guard !overflow else { throw ParquetError(.invalidArgument, "dictionary lookup: output size overflows") }
        out.append(contentsOf: repeatElement(0, count: total))
        out.withUnsafeMutableBytes { dst in
            dictionary.withUnsafeBytes { src in
                var at = dst.baseAddress! + start
                let base = src.baseAddress!
                for i in indices {
                    at.copyMemory(from: base + Int(truncatingIfNeeded: i) &* width, byteCount: width)
                    at += width
                }
            }
        }
    }

    /// Throws unless every index is in `0..<dictionaryCount`. A max over the batch vectorises,
    /// which keeps the lookups themselves free of per-value branches.
    public static func checkIndices(_ indices: UnsafeBufferPointer<Int32>, dictionaryCount: Int) throws(ParquetError) {
        var largest: UInt32 = 0
        for i in indices { largest = max(largest, UInt32(bitPattern: i)) }
        guard !indices.isEmpty else { return }
        if Int(largest) >= dictionaryCount {
            let position = indices.firstIndex { Int(UInt32(bitPattern: $0)) >= dictionaryCount } ?? 0
            throw ParquetError(.malformed, "dictionary index at position \(position) is out of range for a dictionary of \(dictionaryCount) entries")
        }
    }
}
