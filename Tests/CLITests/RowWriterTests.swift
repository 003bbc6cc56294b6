import RowText
import Columnar
import Foundation
@testable import StrongroomCLI
import Testing

@Suite("row output (cat contract)")
struct RowWriterTests {
    static let texts = ["", "plain", "quote \" backslash \\", "line\nbreak\ttab\r", "ctrl \u{01}\u{1F}", "ünïcødé 日本語 🔐", "a,b"]

    static var batch: RecordBatch {
        var strings = ByteArrays()
        for t in texts { strings.append(Array(t.utf8)) }
        let n = texts.count
        let schema = Schema([Field("s", .string), Field("i", .int64), Field("f", .float64), Field("b", .binary),
                             Field("ts", .timestamp(.nanos, utc: true)), Field("d", .decimal(precision: 9, scale: 2))])
        var binary = ByteArrays()
        for i in 0..<n { binary.append((0..<i).map { UInt8($0 * 40) }) }
        let validity = (0..<n).map { $0 != 2 }
        return RecordBatch(schema: schema, columns: [
            Column(type: .string, values: .bytes(strings)),
            Column(type: .int64, values: .int64((0..<n).map { Int64($0) * -1_000_000_007 }), validity: validity),
            Column(type: .float64, values: .float64([0.1, 1e-300, -2.5, 3.0, .nan, .infinity, 1.7976931348623157e308])),
            Column(type: .binary, values: .bytes(binary)),
            Column(type: .timestamp(.nanos, utc: true), values: .int64((0..<n).map { Int64($0) * 1_500_000_999 - 3_000 })),
            Column(type: .decimal(precision: 9, scale: 2), values: .int32((0..<n).map { Int32($0) * -12_345 })),
        ])
    }

    /// JSON lines parse back (with a real JSON parser) to the original values.
    @Test func jsonLinesRoundTrip() throws {
        let batch = Self.batch
        let writer = RowWriter(batch: batch, format: .jsonl)
        for row in 0..<batch.rowCount {
            var out: [UInt8] = []
            writer.write(row: row, to: &out)
            #expect(out.last == UInt8(ascii: "\n"))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(out)) as? [String: Any])
            #expect(object["s"] as? String == Self.texts[row])
            if row == 2 { #expect(object["i"] is NSNull) } else { #expect((object["i"] as? NSNumber)?.int64Value == Int64(row) * -1_000_000_007) }
            #expect(object["b"] as? String == Data((0..<row).map { UInt8($0 * 40) }).base64EncodedString())
            #expect(object["d"] as? String == DecimalText.format(unscaled: Int64(row) * -12_345, scale: 2))
            #expect(object["ts"] as? String == CivilTime.formatTimestamp(micros: CivilTime.floorDivide(Int64(row) * 1_500_000_999 - 3_000, 1000).0))
        }
    }

    @Test func floatsAreShortestRoundTripAndNonFiniteAreStrings() throws {
        let writer = RowWriter(batch: Self.batch, format: .jsonl)
        var out: [UInt8] = []
        for row in 0..<Self.batch.rowCount { writer.write(row: row, to: &out) }
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.contains("\"f\":0.1,"))
        #expect(text.contains("\"f\":1e-300,"))
        #expect(text.contains("\"f\":\"NaN\""))
        #expect(text.contains("\"f\":\"Infinity\""))
        #expect(text.contains("\"f\":1.7976931348623157e+308"))
    }

    @Test func csvQuotesAndNulls() {
        let writer = RowWriter(batch: Self.batch, format: .csv)
        var out: [UInt8] = []
        for row in [0, 2, 3, 6] { writer.write(row: row, to: &out) }
        let lines = String(decoding: out, as: UTF8.self)
        #expect(lines.hasPrefix("\"\",0,0.1,\"\",1969-12-31T23:59:59.999997Z,0.00\n"))  // empty strings are quoted
        #expect(lines.contains("\"quote \"\" backslash \\\",,-2.5"))        // doubled quotes; NULL is an empty field
        #expect(lines.contains("\"line\nbreak\ttab\r\""))
        #expect(lines.contains("\"a,b\""))
    }
}
