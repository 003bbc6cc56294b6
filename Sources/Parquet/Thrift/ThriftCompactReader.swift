/// A cursor over Thrift Compact Protocol bytes. Every read is bounds-checked and throws
/// `ParquetError` (`.truncated` when the input ends early, `.malformed` otherwise); offsets
/// in messages are relative to the start of `bytes`.
///
/// Strings are validated as UTF-8 strictly (invalid bytes throw `.malformed`) so that
/// distinct column paths can never collapse into the same replacement-character string.
///
/// The reader borrows memory: use it only inside the scope that produced `bytes`
/// (e.g. `withUnsafeBytes`). For that reason it is deliberately not `Sendable`.
public struct ThriftCompactReader {
    /// Limit on nested structs/containers, so hostile input cannot exhaust the stack.
    public static let maxNestingDepth = 64

    public let bytes: UnsafeRawBufferPointer
    public private(set) var position: Int
    private var depth = 0
    private var lastFieldID: Int16 = 0

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.position = 0
    }

    @inline(__always)
    public var remaining: Int { bytes.count &- position }

    // MARK: Errors

    func truncated(_ what: String) -> ParquetError {
        ParquetError(.truncated, "Thrift: input ends at byte \(bytes.count) while reading \(what) at byte \(position)")
    }

    func malformed(_ what: String, at offset: Int) -> ParquetError {
        ParquetError(.malformed, "Thrift: \(what) at byte \(offset)")
    }

    // MARK: Primitives

    @inline(__always)
    public mutating func readByte() throws -> UInt8 {
        guard position < bytes.count else { throw truncated("a byte") }
        let b = bytes[position]
        position &+= 1
        return b
    }

    /// Moves past `count` bytes.
    public mutating func advance(by count: Int) throws {
        guard count >= 0, count <= remaining else { throw truncated("\(count) bytes") }
        position &+= count
    }

    /// Unsigned LEB128, at most 10 bytes, value must fit in 64 bits.
    public mutating func readVarint() throws -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else { throw truncated("a varint") }
            let b = bytes[position]
            position &+= 1
            if shift == 63 && b > 1 { throw malformed("varint longer than 64 bits", at: start) }
            result |= UInt64(b & 0x7f) &<< shift
            if b & 0x80 == 0 { return result }
            shift &+= 7
        }
    }

    public mutating func readI8() throws -> Int8 {
        Int8(bitPattern: try readByte())
    }

    public mutating func readI16() throws -> Int16 {
        let start = position
        let v = try readI32()
        guard let narrow = Int16(exactly: v) else { throw malformed("i16 value out of range", at: start) }
        return narrow
    }

    public mutating func readI32() throws -> Int32 {
        let start = position
        let raw = try readVarint()
        guard raw <= UInt64(UInt32.max) else { throw malformed("i32 varint out of range", at: start) }
        let u = UInt32(truncatingIfNeeded: raw)
        return Int32(bitPattern: u >> 1) ^ (0 &- Int32(bitPattern: u & 1))
    }

    public mutating func readI64() throws -> Int64 {
        let u = try readVarint()
        return Int64(bitPattern: u >> 1) ^ (0 &- Int64(bitPattern: u & 1))
    }

    /// Little-endian IEEE 754 (the compact protocol's de-facto byte order).
    public mutating func readDouble() throws -> Double {
        guard remaining >= 8 else { throw truncated("a double") }
        let bits = bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        position &+= 8
        return Double(bitPattern: UInt64(littleEndian: bits))
    }

    /// Length prefix of binary/string, checked against the remaining input.
    mutating func readBinaryLength() throws -> Int {
        let start = position
        let n = try readVarint()
        guard n <= UInt64(remaining) else {
            throw ParquetError(.truncated, "Thrift: binary of \(n) bytes at byte \(start) exceeds the \(remaining) bytes left")
        }
        return Int(truncatingIfNeeded: n)
    }

    public mutating func readBinary() throws -> [UInt8] {
        let n = try readBinaryLength()
        let value = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[position ..< position &+ n]))
        position &+= n
        return value
    }

    /// A binary field that must hold valid UTF-8.
    public mutating func readString() throws -> String {
        let start = position
        let n = try readBinaryLength()
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position ..< position &+ n])
        guard let value = String(validating: slice, as: UTF8.self) else {
            throw malformed("invalid UTF-8 in string", at: start)
        }
        position &+= n
        return value
    }

    /// A bool stored as a list/set/map element: one byte, 1 = true; 0 (the spec) and
    /// 2 (what the Java and C++ libraries write) = false.
    public mutating func readBoolElement() throws -> Bool {
        let start = position
        switch try readByte() {
        case 1: return true
        case 0, 2: return false
        default: throw malformed("invalid bool element", at: start)
        }
    }

    // MARK: Structs

    /// Enters a struct: call before the first `readFieldHeader()`, pass the result to `endStruct`.
    public mutating func beginStruct() throws -> Int16 {
        guard depth < Self.maxNestingDepth else {
            throw malformed("structures nested deeper than \(Self.maxNestingDepth) levels", at: position)
        }
        depth &+= 1
        let saved = lastFieldID
        lastFieldID = 0
        return saved
    }

    public mutating func endStruct(_ saved: Int16) {
        depth &-= 1
        lastFieldID = saved
    }

    /// Next field of the current struct, or nil at its stop byte.
    public mutating func readFieldHeader() throws -> ThriftField? {
        let start = position
        let header = try readByte()
        if header == 0 { return nil }
        let compactType = header & 0x0f
        guard let type = ThriftType(compactID: compactType) else {
            throw malformed("unknown field type \(compactType)", at: start)
        }
        let delta = Int16(header >> 4)
        let id: Int16
        if delta == 0 {
            id = try readI16()
        } else {
            let (sum, overflow) = lastFieldID.addingReportingOverflow(delta)
            guard !overflow else { throw malformed("field id overflows i16", at: start) }
            id = sum
        }
        lastFieldID = id
        return ThriftField(id: id, type: type, boolValue: compactType == 1, offset: start)
    }

    // MARK: Containers

    public mutating func readListHeader() throws -> ThriftListHeader {
        let start = position
        let header = try readByte()
        var count = Int(header >> 4)
        if count == 15 {
            let n = try readVarint()
            guard n <= UInt64(Int32.max) else { throw malformed("list size out of range", at: start) }
            count = Int(truncatingIfNeeded: n)
        }
        // Every element takes at least one byte: this bounds both loops and allocations.
        guard count <= remaining else {
            throw ParquetError(.truncated, "Thrift: list of \(count) elements at byte \(start) exceeds the \(remaining) bytes left")
        }
        guard let type = ThriftType(compactID: header & 0x0f) else {
            // Some writers leave the element type unset for empty lists.
            if count == 0 { return ThriftListHeader(elementType: .i8, count: 0) }
            throw malformed("unknown list element type \(header & 0x0f)", at: start)
        }
        return ThriftListHeader(elementType: type, count: count)
    }

    /// Reads a list header and checks its element type; returns the element count.
    public mutating func readListHeader(of expected: ThriftType, context: @autoclosure () -> String) throws -> Int {
        let start = position
        let header = try readListHeader()
        if header.count > 0 && header.elementType != expected {
            throw ParquetError(.malformed, "\(context()): expected list<\(expected.name)>, found list<\(header.elementType.name)> at byte \(start)")
        }
        return header.count
    }

    // MARK: Skipping

    /// Skips the value of a field this reader does not know.
    public mutating func skip(_ field: ThriftField) throws {
        if field.type == .bool { return }  // value is in the header
        try skipValue(field.type, nesting: depth)
    }

    /// Skips one value of `type` as it appears inside a container (bools take one byte).
    public mutating func skipValue(_ type: ThriftType) throws {
        try skipValue(type, nesting: depth)
    }

    private mutating func skipValue(_ type: ThriftType, nesting: Int) throws {
        switch type {
        case .bool, .i8: try advance(by: 1)
        case .i16, .i32, .i64: _ = try readVarint()
        case .double: try advance(by: 8)
        case .uuid: try advance(by: 16)
        case .binary: try advance(by: readBinaryLength())
        case .list, .set:
            try checkNesting(nesting)
            let header = try readListHeader()
            switch header.elementType {
            case .bool, .i8: try advance(by: header.count)
            case .double: try advance(by: header.count &* 8)   // count <= remaining: no overflow
            case .uuid: try advance(by: header.count &* 16)
            default:
                for _ in 0 ..< header.count { try skipValue(header.elementType, nesting: nesting &+ 1) }
            }
        case .map:
            try checkNesting(nesting)
            let start = position
            let n = try readVarint()
            if n == 0 { return }
            guard n <= UInt64(remaining / 2) else {
                throw ParquetError(.truncated, "Thrift: map of \(n) entries at byte \(start) exceeds the \(remaining) bytes left")
            }
            let kinds = try readByte()
            guard let keyType = ThriftType(compactID: kinds >> 4),
                  let valueType = ThriftType(compactID: kinds & 0x0f) else {
                throw malformed("unknown map key/value type", at: start)
            }
            for _ in 0 ..< Int(truncatingIfNeeded: n) {
                try skipValue(keyType, nesting: nesting &+ 1)
                try skipValue(valueType, nesting: nesting &+ 1)
            }
        case .structure:
            try checkNesting(nesting)
            let saved = lastFieldID
            lastFieldID = 0
            while let field = try readFieldHeader() {
                if field.type != .bool { try skipValue(field.type, nesting: nesting &+ 1) }
            }
            lastFieldID = saved
        }
    }

    private func checkNesting(_ nesting: Int) throws {
        guard nesting < Self.maxNestingDepth else {
            throw malformed("structures nested deeper than \(Self.maxNestingDepth) levels", at: position)
        }
    }
}

// Borrows memory through an unsafe pointer; sharing it across tasks would outlive the borrow.
@available(*, unavailable)
extension ThriftCompactReader: Sendable {}
