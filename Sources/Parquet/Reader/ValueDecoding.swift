import Columnar

/// Decodes the values section of a page with its encoding, appending to the chunk's buffer.
enum ValueDecoding {
    static func decode(encoding: Encoding, _ bytes: UnsafeRawBufferPointer, count: Int, descriptor: ColumnDescriptor,
                       dictionary: ValueBuffer?, into buffer: inout ValueBuffer, context: String) throws {
        if count == 0 { return }
        do {
            switch encoding {
            case .plain:
                try decodePlain(bytes, count: count, physical: descriptor.physicalType, into: &buffer)
            case .plainDictionary, .rleDictionary:
                guard let dictionary else {
                    throw ParquetError(.malformed, "dictionary-encoded page without a dictionary page")
                }
                try decodeDictionary(bytes, count: count, dictionary: dictionary, into: &buffer)
            case .rle:
                guard case .boolean(var values) = buffer else { throw unsupported(encoding, descriptor) }
                buffer = .boolean([])
                _ = try BooleanRLE.decode(bytes, count: count, into: &values)
                buffer = .boolean(values)
            case .deltaBinaryPacked:
                var decoder = try DeltaBinaryPackedDecoder(bytes)
                switch buffer {
                case .int32(var v): buffer = .int32([]); try decoder.decode(into: &v, count: count); buffer = .int32(v)
                case .int64(var v) where descriptor.physicalType == .int64:
                    buffer = .int64([]); try decoder.decode(into: &v, count: count); buffer = .int64(v)
                default: throw unsupported(encoding, descriptor)
                }
            case .deltaLengthByteArray:
                guard case .bytes(var v) = buffer else { throw unsupported(encoding, descriptor) }
                buffer = .bytes(ByteArrays())
                _ = try DeltaLengthByteArray.decode(bytes, count: count, into: &v)
                buffer = .bytes(v)
            case .deltaByteArray:
                switch buffer {
                case .bytes(var v):
                    buffer = .bytes(ByteArrays()); _ = try DeltaByteArray.decode(bytes, count: count, into: &v); buffer = .bytes(v)
                case .fixed(let w, var d):
                    buffer = .fixed(width: w, data: [])
                    _ = try DeltaByteArray.decodeFixed(bytes, width: w, count: count, into: &d)
                    buffer = .fixed(width: w, data: d)
                default: throw unsupported(encoding, descriptor)
                }
            case .byteStreamSplit:
                try decodeByteStreamSplit(bytes, count: count, descriptor: descriptor, into: &buffer)
            case .bitPacked:
                throw unsupported(encoding, descriptor)
            }
        } catch let error as ParquetError {
            throw ParquetError(error.code, "\(context): \(encoding.name) values: \(error.message)", cause: error.cause)
        }
    }

    private static func unsupported(_ encoding: Encoding, _ descriptor: ColumnDescriptor) -> ParquetError {
        ParquetError(.unsupported, "encoding \(encoding.name) is not valid for \(descriptor.physicalType.name)")
    }

    static func decodePlain(_ bytes: UnsafeRawBufferPointer, count: Int, physical: PhysicalType,
                            into buffer: inout ValueBuffer) throws {
        switch buffer {
        case .boolean(var v): buffer = .boolean([]); _ = try PlainDecoding.decodeBooleans(bytes, count: count, into: &v); buffer = .boolean(v)
        case .int32(var v): buffer = .int32([]); _ = try PlainDecoding.decodeInt32(bytes, count: count, into: &v); buffer = .int32(v)
        case .int64(var v):
            buffer = .int64([])
            if physical == .int96 {
                _ = try PlainDecoding.decodeInt96Microseconds(bytes, count: count, into: &v)
            } else {
                _ = try PlainDecoding.decodeInt64(bytes, count: count, into: &v)
            }
            buffer = .int64(v)
        case .float(var v): buffer = .float([]); _ = try PlainDecoding.decodeFloat(bytes, count: count, into: &v); buffer = .float(v)
        case .double(var v): buffer = .double([]); _ = try PlainDecoding.decodeDouble(bytes, count: count, into: &v); buffer = .double(v)
        case .bytes(var v): buffer = .bytes(ByteArrays()); _ = try PlainDecoding.decodeByteArrays(bytes, count: count, into: &v); buffer = .bytes(v)
        case .fixed(let w, var d):
            buffer = .fixed(width: w, data: [])
            _ = try PlainDecoding.decodeFixed(bytes, width: w, count: count, into: &d)
            buffer = .fixed(width: w, data: d)
        }
    }

    private static func decodeDictionary(_ bytes: UnsafeRawBufferPointer, count: Int, dictionary: ValueBuffer,
                                         into buffer: inout ValueBuffer) throws {
        var indices = [Int32]()
        indices.reserveCapacity(count)
        var decoder = try RLEBitPackedDecoder.dictionaryIndices(bytes)
        try decoder.decode(into: &indices, count: count)
        // Bind the buffer's array and clear the enum before appending, so the array stays
        // uniquely referenced (a tuple switch would keep a second reference and copy it).
        let mismatch = ParquetError(.malformed, "dictionary type does not match the column")
        switch dictionary {
        case .boolean(let d):
            guard case .boolean(var v) = buffer else { throw mismatch }
            buffer = .boolean([]); try DictionaryGather.gather(d, indices: indices, into: &v); buffer = .boolean(v)
        case .int32(let d):
            guard case .int32(var v) = buffer else { throw mismatch }
            buffer = .int32([]); try DictionaryGather.gather(d, indices: indices, into: &v); buffer = .int32(v)
        case .int64(let d):
            guard case .int64(var v) = buffer else { throw mismatch }
            buffer = .int64([]); try DictionaryGather.gather(d, indices: indices, into: &v); buffer = .int64(v)
        case .float(let d):
            guard case .float(var v) = buffer else { throw mismatch }
            buffer = .float([]); try DictionaryGather.gather(d, indices: indices, into: &v); buffer = .float(v)
        case .double(let d):
            guard case .double(var v) = buffer else { throw mismatch }
            buffer = .double([]); try DictionaryGather.gather(d, indices: indices, into: &v); buffer = .double(v)
        case .bytes(let d):
            guard case .bytes(var v) = buffer else { throw mismatch }
            buffer = .bytes(ByteArrays())
            try indices.withUnsafeBufferPointer { try DictionaryGather.gather(d, indices: $0, into: &v) }
            buffer = .bytes(v)
        case .fixed(_, let d):
            guard case .fixed(let w, var v) = buffer else { throw mismatch }
            buffer = .fixed(width: w, data: [])
            try indices.withUnsafeBufferPointer { try DictionaryGather.gatherFixed(d, width: w, indices: $0, into: &v) }
            buffer = .fixed(width: w, data: v)
        }
    }

    private static func decodeByteStreamSplit(_ bytes: UnsafeRawBufferPointer, count: Int, descriptor: ColumnDescriptor,
                                              into buffer: inout ValueBuffer) throws {
        switch buffer {
        case .float(var v): buffer = .float([]); try ByteStreamSplit.decode(bytes, count: count, into: &v); buffer = .float(v)
        case .double(var v): buffer = .double([]); try ByteStreamSplit.decode(bytes, count: count, into: &v); buffer = .double(v)
        case .int32(var v): buffer = .int32([]); try ByteStreamSplit.decode(bytes, count: count, into: &v); buffer = .int32(v)
        case .int64(var v) where descriptor.physicalType == .int64:
            buffer = .int64([]); try ByteStreamSplit.decode(bytes, count: count, into: &v); buffer = .int64(v)
        case .fixed(let w, var d):
            buffer = .fixed(width: w, data: [])
            try ByteStreamSplit.decode(bytes, width: w, count: count, into: &d)
            buffer = .fixed(width: w, data: d)
        default:
            throw unsupported(.byteStreamSplit, descriptor)
        }
    }
}
