/// Produces Thrift Compact Protocol bytes. Field ids must be written in the order the
/// struct declares them (any order is legal; increasing ids give the 1-byte short headers).
public struct ThriftCompactWriter: Sendable {
    public private(set) var bytes: [UInt8]
    private var lastFieldID: Int16 = 0

    public init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    // MARK: Primitives

    @inline(__always)
    public mutating func writeByte(_ b: UInt8) { bytes.append(b) }

    public mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v &>>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    public mutating func writeI8(_ v: Int8) { bytes.append(UInt8(bitPattern: v)) }
    public mutating func writeI16(_ v: Int16) { writeI32(Int32(v)) }

    public mutating func writeI32(_ v: Int32) {
        writeVarint(UInt64(UInt32(bitPattern: (v &<< 1) ^ (v >> 31))))
    }

    public mutating func writeI64(_ v: Int64) {
        writeVarint(UInt64(bitPattern: (v &<< 1) ^ (v >> 63)))
    }

    public mutating func writeDouble(_ v: Double) {
        let bits = v.bitPattern.littleEndian
        withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
    }

    public mutating func writeBinary(_ v: [UInt8]) {
        writeVarint(UInt64(v.count))
        bytes.append(contentsOf: v)
    }

    public mutating func writeString(_ v: String) {
        var s = v
        s.withUTF8 { utf8 in
            writeVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// A bool inside a container: 1 = true, 2 = false (what the Java, C++ and Rust
    /// libraries accept; the latter rejects 0).
    public mutating func writeBoolElement(_ v: Bool) { bytes.append(v ? 1 : 2) }

    // MARK: Structs

    /// Enters a struct; pass the result to `endStruct`.
    public mutating func beginStruct() -> Int16 {
        let saved = lastFieldID
        lastFieldID = 0
        return saved
    }

    /// Writes the stop byte and returns to the enclosing struct.
    public mutating func endStruct(_ saved: Int16) {
        bytes.append(0)
        lastFieldID = saved
    }

    /// Header of a non-bool field (bools go through `writeBoolField`).
    public mutating func writeFieldHeader(_ id: Int16, _ type: ThriftType) {
        writeFieldHeader(id, compactType: type.rawValue)
    }

    private mutating func writeFieldHeader(_ id: Int16, compactType: UInt8) {
        let delta = Int(id) - Int(lastFieldID)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | compactType)
        } else {
            bytes.append(compactType)
            writeI16(id)
        }
        lastFieldID = id
    }

    // MARK: Containers

    public mutating func writeListHeader(_ elementType: ThriftType, count: Int) {
        let type = elementType == .bool ? 2 : elementType.rawValue  // spec: BOOL element type is 2
        if count < 15 {
            bytes.append(UInt8(count) << 4 | type)
        } else {
            bytes.append(0xf0 | type)
            writeVarint(UInt64(count))
        }
    }

    // MARK: Fields (nil optionals are omitted)

    public mutating func writeBoolField(_ id: Int16, _ v: Bool?) {
        guard let v else { return }
        writeFieldHeader(id, compactType: v ? 1 : 2)
    }

    public mutating func writeI8Field(_ id: Int16, _ v: Int8?) {
        guard let v else { return }
        writeFieldHeader(id, .i8); writeI8(v)
    }

    public mutating func writeI16Field(_ id: Int16, _ v: Int16?) {
        guard let v else { return }
        writeFieldHeader(id, .i16); writeI16(v)
    }

    public mutating func writeI32Field(_ id: Int16, _ v: Int32?) {
        guard let v else { return }
        writeFieldHeader(id, .i32); writeI32(v)
    }

    public mutating func writeI64Field(_ id: Int16, _ v: Int64?) {
        guard let v else { return }
        writeFieldHeader(id, .i64); writeI64(v)
    }

    public mutating func writeBinaryField(_ id: Int16, _ v: [UInt8]?) {
        guard let v else { return }
        writeFieldHeader(id, .binary); writeBinary(v)
    }

    public mutating func writeStringField(_ id: Int16, _ v: String?) {
        guard let v else { return }
        writeFieldHeader(id, .binary); writeString(v)
    }

    public mutating func writeStructField(_ id: Int16, _ v: (some ThriftEncodable)?) {
        guard let v else { return }
        writeFieldHeader(id, .structure); v.write(to: &self)
    }

    /// An empty struct, as used by marker members of unions (e.g. LogicalType.STRING).
    public mutating func writeEmptyStructField(_ id: Int16) {
        writeFieldHeader(id, .structure)
        bytes.append(0)
    }

    public mutating func writeStructListField<T: ThriftEncodable>(_ id: Int16, _ v: [T]?) {
        guard let v else { return }
        writeFieldHeader(id, .list)
        writeListHeader(.structure, count: v.count)
        for element in v { element.write(to: &self) }
    }

    public mutating func writeStringListField(_ id: Int16, _ v: [String]?) {
        guard let v else { return }
        writeFieldHeader(id, .list)
        writeListHeader(.binary, count: v.count)
        for element in v { writeString(element) }
    }

    public mutating func writeI32ListField(_ id: Int16, _ v: [Int32]?) {
        guard let v else { return }
        writeFieldHeader(id, .list)
        writeListHeader(.i32, count: v.count)
        for element in v { writeI32(element) }
    }
}
