import Columnar
import Foundation
import Testing

/// Cells in the shape of the GENERATED expectation files of ../shared/vectors/parquet:
/// bytes as {"hex": …}, temporal values as stored integers, decimals as strings, NaN as "NaN",
/// maps as [[key, value], …], structs as objects.
enum ExpectedShape {
    indirect enum Value: Equatable, CustomStringConvertible {
        case null, bool(Bool), int(Int64), uint(UInt64), double(Double), text(String), hex(String)
        case array([Value]), object([String: Value])

        var description: String {
            switch self {
            case .null: "null"
            case .bool(let b): "\(b)"
            case .int(let i): "\(i)"
            case .uint(let u): "\(u)"
            case .double(let d): "\(d)"
            case .text(let s): "\"\(s)\""
            case .hex(let h): "hex:\(h)"
            case .array(let a): "[" + a.map(\.description).joined(separator: ", ") + "]"
            case .object(let o): "{" + o.keys.sorted().map { "\($0): \(o[$0]!)" }.joined(separator: ", ") + "}"
            }
        }

        static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case (.null, .null): return true
            case (.bool(let x), .bool(let y)): return x == y
            case (.int(let x), .int(let y)): return x == y
            case (.uint(let x), .uint(let y)): return x == y
            case (.int(let x), .uint(let y)), (.uint(let y), .int(let x)): return x >= 0 && UInt64(x) == y
            case (.double(let x), .double(let y)): return x == y || (x.isNaN && y.isNaN)
            case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
            case (.text(let x), .text(let y)): return x == y
            case (.hex(let x), .hex(let y)): return x == y
            case (.array(let x), .array(let y)): return x == y
            case (.object(let x), .object(let y)): return x == y
            default: return false
            }
        }
    }

    /// From JSONSerialization output.
    static func parse(_ any: Any) -> Value {
        switch any {
        case is NSNull: return .null
        case let s as String: return s == "NaN" ? .double(.nan) : .text(s)
        case let n as NSNumber:
            let type = String(cString: n.objCType)
            #if canImport(Darwin)
            if CFGetTypeID(n) == CFBooleanGetTypeID() { return .bool(n.boolValue) }
            #else
            // swift-corelibs-foundation has no CFBoolean type id; JSON booleans come back as char.
            if type == "c" || type == "B" { return .bool(n.boolValue) }
            #endif
            if type == "d" || type == "f" { return .double(n.doubleValue) }
            if type == "Q" { return .uint(n.uint64Value) }
            return .int(n.int64Value)
        case let a as [Any]: return .array(a.map(parse))
        case let d as [String: Any]:
            if d.count == 1, let hex = d["hex"] as? String { return .hex(hex) }
            return .object(d.mapValues(parse))
        default: return .text("\(any)")
        }
    }

    static func cell(_ column: Column, _ row: Int) -> Value {
        if column.isNull(row) { return .null }
        switch column.values {
        case .boolean(let v): return .bool(v[row])
        case .int32(let v):
            switch column.type {
            case .uint8, .uint16, .uint32: return .uint(UInt64(UInt32(bitPattern: v[row])))
            case .decimal(_, let scale): return .text(DecimalText.format(unscaled: Int64(v[row]), scale: scale))
            default: return .int(Int64(v[row]))
            }
        case .int64(let v):
            switch column.type {
            case .uint64: return .uint(UInt64(bitPattern: v[row]))
            case .decimal(_, let scale): return .text(DecimalText.format(unscaled: v[row], scale: scale))
            default: return .int(v[row])
            }
        case .float32(let v): return .double(Double(v[row]))
        case .float64(let v): return .double(v[row])
        case .bytes(let v): return bytes(column.type, v[row])
        case .fixed(let w, let data): return bytes(column.type, data[row * w..<(row + 1) * w])
        case .list(let offsets, let child):
            return .array((Int(offsets[row])..<Int(offsets[row + 1])).map { cell(child, $0) })
        case .map(let offsets, let keys, let values):
            return .array((Int(offsets[row])..<Int(offsets[row + 1])).map { .array([cell(keys, $0), cell(values, $0)]) })
        case .structure(let children):
            guard case .structure(let fields) = column.type else { return .null }
            var members: [String: Value] = [:]
            for (field, child) in zip(fields, children) { members[field.name] = cell(child, row) }
            return .object(members)
        }
    }

    private static func bytes(_ type: DataType, _ b: ArraySlice<UInt8>) -> Value {
        switch type {
        case .string, .json, .enumeration: return .text(String(decoding: b, as: UTF8.self))
        case .decimal(_, let scale): return .text(DecimalText.format(bigEndian: b, scale: scale))
        case .float16:
            let bits = UInt16(b[b.startIndex]) | UInt16(b[b.startIndex + 1]) << 8
            return .double(Double(Float16Reference.toFloat(bits)))
        default: return .hex(b.map { String(format: "%02x", $0) }.joined())
        }
    }
}

/// Independent half-precision decode for tests (via Float16, which this toolchain has on x86_64 Linux).
enum Float16Reference {
    static func toFloat(_ bits: UInt16) -> Float { Float(Float16(bitPattern: bits)) }
}
