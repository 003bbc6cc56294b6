import Testing
@testable import Parquet

@Suite("Thrift compact protocol primitives")
struct ThriftCompactProtocolTests {
    private func read<T>(_ bytes: [UInt8], _ body: (inout ThriftCompactReader) throws -> T) throws -> T {
        try bytes.withUnsafeBytes { raw in
            var reader = ThriftCompactReader(raw)
            return try body(&reader)
        }
    }

    @Test func varintSpecExample() throws {
        // thrift-compact-protocol.md: 50399 = 0xDF 0x89 0x03.
        var w = ThriftCompactWriter()
        w.writeVarint(50399)
        #expect(w.bytes == [0xDF, 0x89, 0x03])
        #expect(try read(w.bytes) { try $0.readVarint() } == 50399)
        #expect(try read([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) { try $0.readVarint() } == UInt64.max)
    }

    @Test func zigzagSpecExamples() throws {
        // Wire 0, 1, 2, 3, 4 read as 0, -1, 1, -2, 2.
        for (wire, value) in [(0, 0), (1, -1), (2, 1), (3, -2), (4, 2)] as [(UInt8, Int32)] {
            #expect(try read([wire]) { try $0.readI32() } == value)
            #expect(try read([wire]) { try $0.readI64() } == Int64(value))
        }
        for v: Int64 in [.min, .max, -1, 0, 1, 1 << 40] {
            var w = ThriftCompactWriter(); w.writeI64(v)
            #expect(try read(w.bytes) { try $0.readI64() } == v)
        }
        for v: Int32 in [.min, .max, -300, 300] {
            var w = ThriftCompactWriter(); w.writeI32(v)
            #expect(try read(w.bytes) { try $0.readI32() } == v)
        }
    }

    @Test func outOfRangeIntegersThrow() {
        // 2^32 does not fit an i32.
        #expect(throws: ParquetError.self) { try read([0x80, 0x80, 0x80, 0x80, 0x10]) { try $0.readI32() } }
        // 2^16 zigzag does not fit an i16.
        #expect(throws: ParquetError.self) { try read([0x80, 0x80, 0x04]) { try $0.readI16() } }
        // Eleven-byte varint.
        #expect(throws: ParquetError.self) { try read([UInt8](repeating: 0xFF, count: 10) + [0x01]) { try $0.readVarint() } }
        #expect(throws: ParquetError.self) { try read([0x80]) { try $0.readVarint() } }
    }

    @Test func doubleIsLittleEndian() throws {
        var w = ThriftCompactWriter()
        w.writeDouble(1.0)
        #expect(w.bytes == [0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
        #expect(try read(w.bytes) { try $0.readDouble() } == 1.0)
    }

    @Test func fieldHeadersShortAndLongForm() throws {
        var w = ThriftCompactWriter()
        let s = w.beginStruct()
        w.writeI32Field(1, 7)        // short: delta 1
        w.writeI32Field(20, 8)       // long: delta 19
        w.writeI32Field(3, 9)        // long: decreasing id
        w.writeBoolField(4, true)    // short, type 1
        w.writeBoolField(5, false)   // short, type 2
        w.endStruct(s)
        #expect(w.bytes == [0x15, 0x0E, 0x05, 0x28, 0x10, 0x05, 0x06, 0x12, 0x11, 0x12, 0x00])
        let fields = try read(w.bytes) { r -> [ThriftField] in
            var out: [ThriftField] = []
            let saved = try r.beginStruct()
            while let f = try r.readFieldHeader() {
                out.append(f)
                if f.type == .i32 { _ = try r.readI32() }
            }
            r.endStruct(saved)
            #expect(r.remaining == 0)
            return out
        }
        #expect(fields.map(\.id) == [1, 20, 3, 4, 5])
        #expect(fields.map(\.type) == [.i32, .i32, .i32, .bool, .bool])
        #expect(fields[3].boolValue && !fields[4].boolValue)
    }

    @Test func listsShortAndLongForm() throws {
        var w = ThriftCompactWriter()
        let s = w.beginStruct()
        w.writeStringListField(1, ["a", "bc"])
        w.writeI32ListField(2, Array(0 ..< 20))
        w.endStruct(s)
        #expect(Array(w.bytes.prefix(8)) == [0x19, 0x28, 0x01, 0x61, 0x02, 0x62, 0x63, 0x19])
        #expect(w.bytes[8] == 0xF5 && w.bytes[9] == 20)
        try read(w.bytes) { r in
            let saved = try r.beginStruct()
            _ = try r.readFieldHeader()
            #expect(try r.readStringList("t") == ["a", "bc"])
            _ = try r.readFieldHeader()
            let n = try r.readListHeader(of: .i32, context: "t")
            #expect(n == 20)
            for i in 0 ..< n { #expect(try r.readI32() == Int32(i)) }
            #expect(try r.readFieldHeader() == nil)
            r.endStruct(saved)
        }
    }

    @Test func boolElementsAcceptBothEncodings() throws {
        // list<bool> of 3 with element type 1 (Java/C++) and values 1, 2, 0.
        try read([0x31, 0x01, 0x02, 0x00]) { r in
            let n = try r.readListHeader(of: .bool, context: "t")
            #expect(n == 3)
            #expect(try r.readBoolElement() == true)
            #expect(try r.readBoolElement() == false)
            #expect(try r.readBoolElement() == false)
        }
        #expect(throws: ParquetError.self) { try read([0x07]) { try $0.readBoolElement() } }
    }

    @Test func unknownFieldsOfEveryTypeAreSkipped() throws {
        // A KeyValue with unknown fields 3..15 of every type around the known ones.
        var w = ThriftCompactWriter()
        let s = w.beginStruct()
        w.writeStringField(1, "k")
        w.writeBoolField(3, true)
        w.writeI8Field(4, -1)
        w.writeI16Field(5, 300)
        w.writeI64Field(6, .min)
        w.writeFieldHeader(7, .double); w.writeDouble(2.5)
        w.writeFieldHeader(8, .uuid); for i in 0 ..< 16 { w.writeByte(UInt8(i)) }
        w.writeFieldHeader(9, .list); w.writeListHeader(.bool, count: 2); w.writeBoolElement(true); w.writeBoolElement(false)
        w.writeFieldHeader(10, .set); w.writeListHeader(.double, count: 1); w.writeDouble(1)
        w.writeFieldHeader(11, .map); w.writeVarint(2); w.writeByte(0x85)  // map<binary, i32>: key type in the high nibble
        w.writeString("x"); w.writeI32(1); w.writeString("y"); w.writeI32(2)
        w.writeFieldHeader(12, .map); w.writeVarint(0)                     // empty map
        w.writeFieldHeader(13, .structure)
        let inner = w.beginStruct()
        w.writeStructListField(1, [KeyValue(key: "nested", value: nil)])
        w.writeFieldHeader(2, .list); w.writeListHeader(.uuid, count: 1); for _ in 0 ..< 16 { w.writeByte(0) }
        w.endStruct(inner)
        w.writeFieldHeader(14, .list); w.writeListHeader(.list, count: 1); w.writeListHeader(.i64, count: 1); w.writeI64(5)
        w.writeStringField(2, "v")  // known field after unknown ones (long-form header)
        w.endStruct(s)
        let (kv, length) = try KeyValue.decode(from: w.bytes)
        #expect(kv == KeyValue(key: "k", value: "v"))
        #expect(length == w.bytes.count)
    }

    @Test func stringsMustBeUTF8() {
        // KeyValue.key = 0xC3 0x28 (invalid UTF-8).
        let bytes: [UInt8] = [0x18, 0x02, 0xC3, 0x28, 0x00]
        #expect(throws: ParquetError(.malformed, "")) { try KeyValue.decode(from: bytes) }
        let ok: [UInt8] = [0x18, 0x02, 0xC3, 0xA9, 0x00]
        #expect((try? KeyValue.decode(from: ok).value.key) == "é")
    }

    @Test func decodeFromNonContiguousCollection() throws {
        let kv = KeyValue(key: "a", value: "b")
        let bytes = kv.serialized()
        #expect(try KeyValue.decode(from: bytes.lazy.map { $0 }).value == kv)
        #expect(try KeyValue.decode(from: ([9, 9] + bytes)[2...]).value == kv)
    }
}
