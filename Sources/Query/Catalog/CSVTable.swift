import Columnar
import Foundation

/// A CSV file with a header line (RFC 4180), read whole into batches. Column types are
/// inferred like DuckDB's read_csv: BOOLEAN, BIGINT, DOUBLE, DATE, TIMESTAMP, else VARCHAR;
/// an empty field (quoted or not) is NULL; a column with no values is VARCHAR.
public struct CSVTable: Sendable {
    public let name: String
    public let schema: Schema
    public let batches: [RecordBatch]

    public static let batchRows = 65_536

    public init(name: String, path: String) throws {
        self.name = name
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SourceError(.io, "cannot read '\(path)'")
        }
        var records = try CSVRecords.parse([UInt8](data), path: path)
        guard !records.isEmpty else { throw SourceError(.noData, "'\(path)' has no header line") }
        let header = records.removeFirst().map { $0 ?? "" }
        for (i, record) in records.enumerated() where record.count != header.count {
            throw SourceError(.noData, "'\(path)' line \(i + 2): \(record.count) fields, the header has \(header.count)")
        }
        var fields: [Field] = []
        var columns: [[String?]] = Array(repeating: [], count: header.count)
        for record in records { for (c, value) in record.enumerated() { columns[c].append(value) } }
        let types = columns.map(CSVTypeInference.infer)
        for (c, name) in header.enumerated() { fields.append(Field(name, types[c])) }
        self.schema = Schema(fields)
        var batches: [RecordBatch] = []
        var start = 0
        repeat {
            let end = min(records.count, start + Self.batchRows)
            let cols = try (0..<header.count).map { c in
                try CSVTypeInference.column(Array(columns[c][start..<end]), type: types[c], name: header[c], path: path)
            }
            batches.append(RecordBatch(schema: schema, columns: cols, rowCount: end - start))
            start = end
        } while start < records.count
        self.batches = batches
    }
}

/// RFC 4180 records; nil for empty fields.
enum CSVRecords {
    static func parse(_ bytes: [UInt8], path: String) throws -> [[String?]] {
        var records: [[String?]] = []
        var record: [String?] = []
        var field: [UInt8] = []
        var quoted = false, inQuotes = false, atRecordStart = true
        var i = 0
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        func endField() {
            record.append(field.isEmpty ? nil : String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            quoted = false
        }
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == quote {
                    if i + 1 < bytes.count && bytes[i + 1] == quote { field.append(quote); i += 1 } else { inQuotes = false }
                } else {
                    field.append(b)
                }
            } else if b == quote && field.isEmpty && !quoted {
                inQuotes = true; quoted = true; atRecordStart = false
            } else if b == comma {
                endField(); atRecordStart = false
            } else if b == lf || b == cr {
                if b == cr && i + 1 < bytes.count && bytes[i + 1] == lf { i += 1 }
                if !(atRecordStart && record.isEmpty && field.isEmpty) {
                    endField(); records.append(record); record = []
                }
                atRecordStart = true
            } else {
                field.append(b); atRecordStart = false
            }
            i += 1
        }
        if inQuotes { throw SourceError(.noData, "'\(path)': a quoted field is not closed") }
        if !atRecordStart || !record.isEmpty || !field.isEmpty { endField(); records.append(record) }
        return records
    }
}

enum CSVTypeInference {
    static func infer(_ values: [String?]) -> DataType {
        let present = values.compactMap { $0 }
        if present.isEmpty { return .string }
        if present.allSatisfy({ boolean($0) != nil }) { return .boolean }
        if present.allSatisfy({ Int64($0) != nil }) { return .int64 }
        if present.allSatisfy({ Double($0) != nil }) { return .float64 }
        if present.allSatisfy({ TemporalText.days($0) != nil }) { return .date }
        if present.allSatisfy({ TemporalText.micros($0) != nil }) { return .timestamp(.micros, utc: false) }
        return .string
    }

    static func boolean(_ s: String) -> Bool? {
        switch s.lowercased() { case "true": true; case "false": false; default: nil }
    }

    static func column(_ values: [String?], type: DataType, name: String, path: String) throws -> Column {
        let validity = values.map { $0 != nil }
        let all = validity.allSatisfy { $0 }
        func make(_ storage: ColumnValues) -> Column { Column(type: type, values: storage, validity: all ? nil : validity) }
        switch type {
        case .boolean: return make(.boolean(values.map { $0.flatMap(boolean) ?? false }))
        case .int64: return make(.int64(values.map { $0.flatMap { Int64($0) } ?? 0 }))
        case .float64: return make(.float64(values.map { $0.flatMap { Double($0) } ?? 0 }))
        case .date: return make(.int32(values.map { $0.flatMap(TemporalText.days).map(Int32.init) ?? 0 }))
        case .timestamp: return make(.int64(values.map { $0.flatMap(TemporalText.micros) ?? 0 }))
        default:
            var bytes = ByteArrays()
            for v in values { if let v { bytes.append(Array(v.utf8)) } else { bytes.appendEmpty() } }
            return make(.bytes(bytes))
        }
    }
}

/// Parsing of DATE 'YYYY-MM-DD' and TIMESTAMP 'YYYY-MM-DD[ T]HH:MM:SS[.ffffff]' text.
public enum TemporalText {
    public static func days(_ s: String) -> Int64? {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int64(parts[0]), let m = Int64(parts[1]), let d = Int64(parts[2]),
              (1...12).contains(m), d >= 1, d <= daysInMonth(y, m) else { return nil }
        return daysFromCivil(y, m, d)
    }

    public static func micros(_ s: String) -> Int64? {
        let text = s.hasSuffix("Z") ? String(s.dropLast()) : s
        guard text.count >= 19 else { return nil }
        let dateEnd = text.index(text.startIndex, offsetBy: 10)
        let separator = text[dateEnd]
        guard separator == " " || separator == "T", let day = days(String(text[..<dateEnd])) else { return nil }
        let time = text[text.index(after: dateEnd)...]
        let hms = time.split(separator: ":", omittingEmptySubsequences: false)
        guard hms.count == 3, hms[0].count == 2, hms[1].count == 2,
              let h = Int64(hms[0]), let m = Int64(hms[1]), h < 24, m < 60 else { return nil }
        let secondParts = hms[2].split(separator: ".", omittingEmptySubsequences: false)
        guard secondParts[0].count == 2, let sec = Int64(secondParts[0]), sec < 60, secondParts.count <= 2 else { return nil }
        var fraction: Int64 = 0
        if secondParts.count == 2 {
            let digits = secondParts[1]
            guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isASCII), let f = Int64(digits) else { return nil }
            fraction = digits.count <= 6 ? f * pow10(6 - digits.count) : f / pow10(digits.count - 6)
        }
        return day * 86_400_000_000 + ((h * 60 + m) * 60 + sec) * 1_000_000 + fraction
    }

    private static func pow10(_ n: Int) -> Int64 { (0..<n).reduce(Int64(1)) { a, _ in a * 10 } }

    static func daysInMonth(_ y: Int64, _ m: Int64) -> Int64 {
        switch m {
        case 2: (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
