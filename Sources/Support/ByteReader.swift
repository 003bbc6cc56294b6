/// What a reader throws when untrusted bytes end too early: each module names it in its own
/// error type (Attestation: `.malformedEvidence`).
public protocol ByteReaderFailure: Error {
    static func truncated(_ message: String) -> Self
}

/// A domain's code for input that ends too early, so its `CodedError` is a reader failure.
public protocol TruncationErrorCode: ErrorCode {
    static var truncatedInput: Self { get }
}

extension CodedError: ByteReaderFailure where Code: TruncationErrorCode {
    public static func truncated(_ message: String) -> Self { Self(Code.truncatedInput, message) }
}

/// Bounds-checked reads from untrusted bytes (evidence, quotes, reports): sequential through a
/// cursor, or at fixed offsets; little- or big-endian. Every read names the structure, the field
/// and the offset when the input is too short, and never traps — one reader for every parser.
public struct ByteReader<Failure: ByteReaderFailure>: Sendable {
    public enum Order: Sendable {
        case littleEndian, bigEndian
    }

    public let bytes: [UInt8]
    /// Names the structure in errors ("TDX quote", "SNP report").
    public let context: String
    public let order: Order
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], context: String, order: Order = .littleEndian, offset: Int = 0) {
        self.bytes = bytes
        self.context = context
        self.order = order
        self.offset = offset
    }

    public var remaining: Int { max(bytes.count - offset, 0) }

    // MARK: At fixed offsets

    public func bytes(at position: Int, _ count: Int, _ field: String) throws(Failure) -> [UInt8] {
        let (end, overflow) = position.addingReportingOverflow(count)
        guard position >= 0, count >= 0, !overflow, end <= bytes.count else {
            throw Failure.truncated(
                "\(context) truncated: \(field) needs \(count) bytes at offset \(position) (0x\(String(max(position, 0), radix: 16))), \(max(bytes.count - max(position, 0), 0)) left")
        }
        return Array(bytes[position..<end])
    }

    public func u8(at position: Int, _ field: String) throws(Failure) -> UInt8 { try bytes(at: position, 1, field)[0] }
    public func u16(at position: Int, _ field: String) throws(Failure) -> UInt16 { UInt16(truncatingIfNeeded: try unsigned(at: position, 2, field)) }
    public func u32(at position: Int, _ field: String) throws(Failure) -> UInt32 { UInt32(truncatingIfNeeded: try unsigned(at: position, 4, field)) }
    public func u64(at position: Int, _ field: String) throws(Failure) -> UInt64 { try unsigned(at: position, 8, field) }

    private func unsigned(at position: Int, _ width: Int, _ field: String) throws(Failure) -> UInt64 {
        let raw = try bytes(at: position, width, field)
        switch order {
        case .littleEndian: return raw.reversed().reduce(0) { $0 << 8 | UInt64($1) }
        case .bigEndian: return raw.reduce(0) { $0 << 8 | UInt64($1) }
        }
    }

    // MARK: Through the cursor

    public mutating func read(_ count: Int, _ field: String) throws(Failure) -> [UInt8] {
        let value = try bytes(at: offset, count, field)
        offset += count
        return value
    }

    public mutating func u8(_ field: String) throws(Failure) -> UInt8 { try advance(1) { (r) throws(Failure) in try r.u8(at: r.offset, field) } }
    public mutating func u16(_ field: String) throws(Failure) -> UInt16 { try advance(2) { (r) throws(Failure) in try r.u16(at: r.offset, field) } }
    public mutating func u32(_ field: String) throws(Failure) -> UInt32 { try advance(4) { (r) throws(Failure) in try r.u32(at: r.offset, field) } }
    public mutating func u64(_ field: String) throws(Failure) -> UInt64 { try advance(8) { (r) throws(Failure) in try r.u64(at: r.offset, field) } }

    /// A region whose length field (already read) is itself untrusted.
    public mutating func sized(_ length: UInt32, _ field: String) throws(Failure) -> [UInt8] {
        guard let count = Int(exactly: length) else {
            throw Failure.truncated("\(context): \(field) length \(length) at offset \(offset) is not representable")
        }
        return try read(count, field)
    }

    private mutating func advance<T>(_ width: Int, _ body: (Self) throws(Failure) -> T) throws(Failure) -> T {
        let value = try body(self)
        offset += width
        return value
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` little-endian (report encoders).
    public mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        var v = value.littleEndian
        Swift.withUnsafeBytes(of: &v) { append(contentsOf: $0) }
    }
}
