/// A parquet.thrift structure read from the compact protocol.
public protocol ThriftDecodable {
    /// Reads one whole struct (or union) including its stop byte.
    init(from reader: inout ThriftCompactReader) throws
}

/// A parquet.thrift structure written with the compact protocol.
public protocol ThriftEncodable {
    /// Writes one whole struct (or union) including its stop byte.
    func write(to writer: inout ThriftCompactWriter)
}

public typealias ThriftCodable = ThriftDecodable & ThriftEncodable

extension ThriftDecodable {
    /// Decodes one value from the start of `bytes`; `length` is the number of bytes it took
    /// (a page header is followed by the page data).
    public static func decode(from bytes: UnsafeRawBufferPointer) throws -> (value: Self, length: Int) {
        var reader = ThriftCompactReader(bytes)
        let value = try Self(from: &reader)
        return (value, reader.position)
    }

    public static func decode<Bytes: Collection>(from bytes: Bytes) throws -> (value: Self, length: Int)
    where Bytes.Element == UInt8 {
        if let result = try bytes.withContiguousStorageIfAvailable({ try decode(from: UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return try Array(bytes).withUnsafeBytes { try decode(from: $0) }
    }
}

extension ThriftEncodable {
    public func serialized() -> [UInt8] {
        var writer = ThriftCompactWriter()
        write(to: &writer)
        return writer.bytes
    }
}

// MARK: Helpers shared by the conformances

extension ParquetError {
    static func missingField(_ structure: String, _ field: String, _ id: Int16) -> ParquetError {
        ParquetError(.malformed, "\(structure): missing required field \(field) (id \(id))")
    }
}

extension ThriftCompactReader {
    /// Reads a required enum; unknown values throw `.malformed` naming the field and value.
    mutating func readEnum<E: RawRepresentable>(_: E.Type, _ structure: String, _ field: String, _ id: Int16) throws -> E
    where E.RawValue == Int32 {
        let start = position
        let raw = try readI32()
        guard let value = E(rawValue: raw) else {
            throw ParquetError(.malformed, "\(structure): unknown \(E.self) value \(raw) in field \(field) (id \(id)) at byte \(start)")
        }
        return value
    }

    mutating func readStringList(_ context: @autoclosure () -> String) throws -> [String] {
        let count = try readListHeader(of: .binary, context: context())
        var values: [String] = []
        values.reserveCapacity(count)
        for _ in 0 ..< count { values.append(try readString()) }
        return values
    }

    mutating func readStructList<T: ThriftDecodable>(_: T.Type, _ context: @autoclosure () -> String) throws -> [T] {
        let count = try readListHeader(of: .structure, context: context())
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0 ..< count { values.append(try T(from: &self)) }
        return values
    }

    /// Consumes a struct whose content we do not need (empty marker structs, unknown members).
    mutating func skipStruct(_ field: ThriftField, _ context: @autoclosure () -> String) throws {
        try expect(field, .structure, context())
        try skip(field)
    }

    /// For union members and other fields whose type is fixed by the spec.
    func expect(_ field: ThriftField, _ type: ThriftType, _ context: @autoclosure () -> String) throws {
        guard field.type == type else {
            throw ParquetError(.malformed, "\(context()): field id \(field.id) has type \(field.type.name), expected \(type.name) at byte \(field.offset)")
        }
    }
}
