import Columnar
import Foundation
import Parquet
import Testing

/// Upstream ground truth for the delta encodings: parquet-testing's *_expect.csv files.
@Suite("delta encodings against upstream CSV")
struct DeltaExpectCSVTests {
    @Test("rows equal the upstream CSV", arguments: [
        "delta_binary_packed", "delta_byte_array", "delta_encoding_optional_column", "delta_encoding_required_column",
    ])
    func matches(name: String) throws {
        let csv = try String(contentsOf: Vectors.parquet.appendingPathComponent("plain/\(name)_expect.csv"), encoding: .utf8)
        let expectedRows = CSVFields.parse(csv).dropFirst()
        let reader = try ParquetFileReader(path: Vectors.parquet.appendingPathComponent("plain/\(name).parquet").path)
        var actualRows: [[String?]] = []
        for batch in try reader.readAll() {
            for row in 0..<batch.rowCount {
                actualRows.append(batch.columns.map { CellText.text($0, row) })
            }
        }
        #expect(actualRows.count == expectedRows.count)
        for (i, (actual, expected)) in zip(actualRows, expectedRows).enumerated() {
            #expect(actual == expected, "\(name) row \(i)")
        }
    }
}

/// Plain text of a flat cell: integers in decimal, strings as UTF-8; nil for null.
enum CellText {
    static func text(_ column: Column, _ row: Int) -> String? {
        if column.isNull(row) { return nil }
        switch column.values {
        case .int32(let v): return String(v[row])
        case .int64(let v): return String(v[row])
        case .bytes(let v): return String(decoding: v[row], as: UTF8.self)
        case .float64(let v): return String(v[row])
        case .float32(let v): return String(v[row])
        case .boolean(let v): return String(v[row])
        default: return "<unsupported>"
        }
    }
}

/// RFC 4180 records; an unquoted empty field is NULL (nil), a quoted one the empty string.
enum CSVFields {
    static func parse(_ text: String) -> [[String?]] {
        var rows: [[String?]] = []
        var row: [String?] = []
        var field = ""
        var quoted = false, inQuotes = false, sawAny = false
        var chars = Array(text.unicodeScalars)[...]
        func endField() {
            row.append(quoted || !field.isEmpty ? field : nil)
            field = ""; quoted = false; sawAny = false
        }
        while let c = chars.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if chars.first == "\"" { chars.removeFirst(); field.unicodeScalars.append("\"") } else { inQuotes = false }
                } else { field.unicodeScalars.append(c) }
                continue
            }
            switch c {
            case "\"": inQuotes = true; quoted = true; sawAny = true
            case ",": endField()
            case "\r": continue
            case "\n": endField(); rows.append(row); row = []
            default: field.unicodeScalars.append(c); sawAny = true
            }
        }
        if sawAny || !row.isEmpty { endField(); rows.append(row) }
        return rows
    }
}
