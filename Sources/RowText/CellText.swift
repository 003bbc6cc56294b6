import Columnar
import Foundation

/// One cell rendered for output: JSON text for JSONL, or plain text for CSV.
/// The rules are the CLI contract: floats shortest round-trip, dates YYYY-MM-DD, timestamps
/// ISO-8601 UTC with microseconds and Z, decimals as strings, binary as base64.
package enum CellValue {
    case null
    case bool(Bool)
    case number(String)
    case text(String)
    case array([CellValue])
    case object([(String, CellValue)])

    package var json: String {
        var out = ""
        writeJSON(into: &out)
        return out
    }

    package func writeJSON(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n
        case .text(let s): JSONText.appendString(s, to: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.writeJSON(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                JSONText.appendString(key, to: &out)
                out += ":"
                value.writeJSON(into: &out)
            }
            out += "}"
        }
    }

    /// CSV field text (before quoting); nil for NULL.
    package var csvText: String? {
        switch self {
        case .null: return nil
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n
        case .text(let s): return s
        case .array, .object: return json
        }
    }
}

package enum JSONText {
    package static func appendString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(c.value, radix: 16).count) + String(c.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

/// Reads cells out of a column.
package struct CellReader {
    package let column: Column

    package init(column: Column) { self.column = column }

    package func cell(_ row: Int) -> CellValue {
        if column.isNull(row) { return .null }
        switch column.values {
        case .boolean(let v): return .bool(v[row])
        case .int32(let v): return int32Cell(v[row])
        case .int64(let v): return int64Cell(v[row])
        case .float32(let v): return floatCell(Double(v[row]), text: v[row].description, finite: v[row].isFinite)
        case .float64(let v): return floatCell(v[row], text: v[row].description, finite: v[row].isFinite)
        case .bytes(let v): return bytesCell(v[row])
        case .fixed(let width, let data): return bytesCell(data[row * width..<(row + 1) * width])
        case .list(let offsets, let child):
            let reader = CellReader(column: child)
            return .array((Int(offsets[row])..<Int(offsets[row + 1])).map { reader.cell($0) })
        case .map(let offsets, let keys, let values):
            let k = CellReader(column: keys), v = CellReader(column: values)
            let range = Int(offsets[row])..<Int(offsets[row + 1])
            if case .string = keys.type {
                return .object(range.map { (k.cell($0).csvText ?? "", v.cell($0)) })
            }
            return .array(range.map { .array([k.cell($0), v.cell($0)]) })
        case .structure(let children):
            guard case .structure(let fields) = column.type else { return .null }
            return .object(zip(fields, children).map { ($0.name, CellReader(column: $1).cell(row)) })
        }
    }

    private func floatCell(_ value: Double, text: String, finite: Bool) -> CellValue {
        if finite { return .number(text) }
        if value.isNaN { return .text("NaN") }
        return .text(value > 0 ? "Infinity" : "-Infinity")
    }

    private func int32Cell(_ raw: Int32) -> CellValue {
        switch column.type {
        case .uint8, .uint16, .uint32: return .number(String(UInt32(bitPattern: raw)))
        case .date: return .text(CivilTime.formatDate(days: Int64(raw)))
        case .time(let unit, _): return .text(CivilTime.formatTimeOfDay(micros: micros(Int64(raw), unit)))
        case .decimal(_, let scale): return .text(DecimalText.format(unscaled: Int64(raw), scale: scale))
        default: return .number(String(raw))
        }
    }

    private func int64Cell(_ raw: Int64) -> CellValue {
        switch column.type {
        case .uint64: return .number(String(UInt64(bitPattern: raw)))
        case .timestamp(let unit, _): return .text(CivilTime.formatTimestamp(micros: micros(raw, unit)))
        case .time(let unit, _): return .text(CivilTime.formatTimeOfDay(micros: micros(raw, unit)))
        case .decimal(_, let scale): return .text(DecimalText.format(unscaled: raw, scale: scale))
        case .date: return .text(CivilTime.formatDate(days: raw))
        default: return .number(String(raw))
        }
    }

    private func micros(_ value: Int64, _ unit: TimeUnit) -> Int64 {
        switch unit {
        case .millis: return value.multipliedReportingOverflow(by: 1000).partialValue
        case .micros: return value
        case .nanos: return CivilTime.floorDivide(value, 1000).0
        }
    }

    private func bytesCell(_ bytes: ArraySlice<UInt8>) -> CellValue {
        switch column.type {
        case .string, .json, .enumeration:
            return .text(String(decoding: bytes, as: UTF8.self))
        case .decimal(_, let scale):
            return .text(DecimalText.format(bigEndian: bytes, scale: scale))
        case .float16:
            guard bytes.count == 2 else { return .null }
            let bits = UInt16(bytes[bytes.startIndex]) | UInt16(bytes[bytes.startIndex + 1]) << 8
            let value = Float(Float16Bits.toFloat(bits))
            return floatCell(Double(value), text: value.description, finite: value.isFinite)
        case .uuid where bytes.count == 16:
            let hex = bytes.map { String(format: "%02x", $0) }.joined()
            let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { r in
                String(hex[hex.index(hex.startIndex, offsetBy: r.lowerBound)..<hex.index(hex.startIndex, offsetBy: r.upperBound)])
            }
            return .text(parts.joined(separator: "-"))
        default:
            return .text(Data(bytes).base64EncodedString())
        }
    }
}

/// IEEE 754 half precision to single precision, without relying on Float16 (absent on some x86 toolchains).
package enum Float16Bits {
    package static func toFloat(_ h: UInt16) -> Float {
        let sign: UInt32 = UInt32(h & 0x8000) << 16
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0 {
            // Zero or subnormal: mantissa × 2^-24.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -magnitude : magnitude
        }
        if exponent == 31 {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
}
