import Columnar
import Foundation

/// Writes rows as JSON lines or CSV straight into a byte buffer: one switch per cell on the
/// column's storage, no intermediate values for flat columns (nested ones go through CellValue).
package struct RowWriter {
    package enum Format { case jsonl, csv }

    let format: Format
    private let names: [[UInt8]]
    private let columns: [Column]
    /// Columns holding DECIMAL(38,0) values that are integers in SQL (HUGEINT sums).
    private let integerDecimals: Set<Int>

    package init(batch: RecordBatch, format: Format, integerDecimals: Set<Int> = []) {
        self.format = format
        self.integerDecimals = integerDecimals
        self.columns = batch.columns
        self.names = batch.schema.fields.map { field in
            var key = ""
            JSONText.appendString(field.name, to: &key)
            return Array((key + ":").utf8)
        }
    }

    package func write(row: Int, to out: inout [UInt8]) {
        switch format {
        case .jsonl:
            out.append(UInt8(ascii: "{"))
            for (i, column) in columns.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: names[i])
                if integerDecimals.contains(i), !column.isNull(row), let text = CellReader(column: column).cell(row).csvText {
                    out.append(contentsOf: text.utf8)  // decimal text with scale 0 is the integer
                } else {
                    appendJSON(column, row, to: &out)
                }
            }
            out.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
        case .csv:
            for (i, column) in columns.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendCSV(column, row, to: &out)
            }
            out.append(UInt8(ascii: "\n"))
        }
    }

    private func appendJSON(_ column: Column, _ row: Int, to out: inout [UInt8]) {
        if column.isNull(row) { out.append(contentsOf: Self.null); return }
        if Self.appendNumber(column, row, to: &out) { return }
        switch (column.values, column.type) {
        case (.float32(let v), _) where v[row].isFinite:
            out.append(contentsOf: v[row].description.utf8)
        case (.boolean(let v), _):
            out.append(contentsOf: v[row] ? Self.trueText : Self.falseText)
        case (.bytes(let v), .string), (.bytes(let v), .json), (.bytes(let v), .enumeration):
            Self.appendJSONString(v[row], to: &out)
        default:
            out.append(contentsOf: CellReader(column: column).cell(row).json.utf8)
        }
    }

    private func appendCSV(_ column: Column, _ row: Int, to out: inout [UInt8]) {
        if column.isNull(row) || Self.appendNumber(column, row, to: &out) { return }
        out.append(contentsOf: CSVText.field(CellReader(column: column).cell(row).csvText).utf8)
    }

    /// The common numeric cells, written without intermediate strings where possible; false
    /// when the cell needs the general path.
    private static func appendNumber(_ column: Column, _ row: Int, to out: inout [UInt8]) -> Bool {
        switch (column.values, column.type) {
        case (.int32(let v), .int8), (.int32(let v), .int16), (.int32(let v), .int32):
            appendInteger(Int64(v[row]), to: &out)
        case (.int64(let v), .int64):
            appendInteger(v[row], to: &out)
        case (.float64(let v), _) where v[row].isFinite:
            out.append(contentsOf: v[row].description.utf8)
        default:
            return false
        }
        return true
    }

    private static let null = Array("null".utf8)
    private static let trueText = Array("true".utf8)
    private static let falseText = Array("false".utf8)

    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value == 0 { out.append(UInt8(ascii: "0")); return }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, no allocation
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            if value < 0 { out.append(UInt8(ascii: "-")) }
            out.append(contentsOf: buffer[(24 - count)...])
        }
    }

    /// JSON string from UTF-8 bytes; invalid UTF-8 is replaced (U+FFFD) as String(decoding:) does.
    static func appendJSONString(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8]) {
        let needsEscape = bytes.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 >= 0x80 }
        if !needsEscape {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: bytes)
            out.append(UInt8(ascii: "\""))
            return
        }
        var text = ""
        JSONText.appendString(String(decoding: bytes, as: UTF8.self), to: &text)
        out.append(contentsOf: text.utf8)
    }
}
