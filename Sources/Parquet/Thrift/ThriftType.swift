// Wire types of the Thrift Compact Protocol (apache/thrift doc/specs/thrift-compact-protocol.md).

/// A value type as it appears on the wire. The compact protocol spends two type ids on
/// booleans (1 = true, 2 = false) in field headers; both map to `.bool` here and the field
/// carries the value in `ThriftField.boolValue`.
public enum ThriftType: UInt8, Sendable, Hashable {
    case bool = 1
    case i8 = 3
    case i16 = 4
    case i32 = 5
    case i64 = 6
    case double = 7
    case binary = 8
    case list = 9
    case set = 10
    case map = 11
    case structure = 12
    case uuid = 13

    /// Maps a 4-bit compact type id; nil for ids the protocol does not define (0, 14, 15).
    @inline(__always)
    init?(compactID: UInt8) {
        switch compactID {
        case 1, 2: self = .bool
        case 3...13: self.init(rawValue: compactID)
        default: return nil
        }
    }

    var name: String {
        switch self {
        case .bool: "bool"
        case .i8: "i8"
        case .i16: "i16"
        case .i32: "i32"
        case .i64: "i64"
        case .double: "double"
        case .binary: "binary"
        case .list: "list"
        case .set: "set"
        case .map: "map"
        case .structure: "struct"
        case .uuid: "uuid"
        }
    }
}

/// One decoded field header of a struct.
public struct ThriftField: Sendable, Hashable {
    public var id: Int16
    public var type: ThriftType
    /// For `.bool` fields the value lives in the header itself.
    public var boolValue: Bool
    /// Byte offset of the header in the reader's buffer (for error messages).
    public var offset: Int
}

/// Header of a list or set.
public struct ThriftListHeader: Sendable, Hashable {
    public var elementType: ThriftType
    /// Already checked against the remaining input (every element takes at least one byte).
    public var count: Int
}
